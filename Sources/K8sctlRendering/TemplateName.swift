/// Every template the renderer uses, with the syntax of what it produces. The catalog is data:
/// tests check that each entry has a file in `templates/` and each file has an entry.
public enum TemplateName: String, Sendable, CaseIterable {
    case staticPod = "static-pod.yaml"
    case kubeconfig = "kubeconfig.yaml"
    case kubeletConfig = "kubelet-config.yaml"
    case kubeletService = "kubelet.service"
    case kubeletDropIn = "kubelet-dropin.conf"
    case etcdService = "etcd.service"
    case etcdEnvironment = "etcd.env"
    case containerdConfig = "containerd-config.toml"
    case containerdService = "containerd.service"
    case sysctl = "sysctl-kubernetes.conf"
    case modulesLoad = "modules-load-k8s.conf"
    case haproxyConfig = "haproxy.cfg"
    case nginxConfig = "nginx.conf"
    case keepalivedConfig = "keepalived.conf"
    case keepalivedCheck = "keepalived-check-apiserver.sh"
    case keepalivedService = "keepalived.service"

    /// What the output is, so YAML outputs are parsed back before they leave the renderer.
    public enum Syntax: Sendable { case yaml, systemdUnit, shell, toml, text }

    public var fileName: String { rawValue + ".mustache" }

    public var syntax: Syntax {
        switch self {
        case .staticPod, .kubeconfig, .kubeletConfig: .yaml
        case .kubeletService, .kubeletDropIn, .etcdService, .containerdService, .keepalivedService: .systemdUnit
        case .keepalivedCheck: .shell
        case .containerdConfig: .toml
        case .etcdEnvironment, .sysctl, .modulesLoad, .haproxyConfig, .nginxConfig, .keepalivedConfig: .text
        }
    }
}
