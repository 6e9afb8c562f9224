/// Where files and binaries live on a node. kubeadm's layout for Kubernetes files so kubeadm-era
/// habits and tooling carry over; binaries under /usr/local/bin where the executor installs the
/// pinned artifacts.
public enum NodePaths {
    public static let kubernetesDirectory = "/etc/kubernetes"
    public static let pki = "/etc/kubernetes/pki"
    public static let etcdPKI = "/etc/kubernetes/pki/etcd"
    public static let manifests = "/etc/kubernetes/manifests"
    public static let kubeletConfig = "/var/lib/kubelet/config.yaml"
    public static let kubeletUnit = "/etc/systemd/system/kubelet.service"
    public static let kubeletDropIn = "/etc/systemd/system/kubelet.service.d/10-k8sctl.conf"
    public static let etcdUnit = "/etc/systemd/system/etcd.service"
    public static let etcdEnvironment = "/etc/etcd/etcd.env"
    public static let containerdConfig = "/etc/containerd/config.toml"
    public static let containerdUnit = "/etc/systemd/system/containerd.service"
    public static let sysctl = "/etc/sysctl.d/99-kubernetes.conf"
    public static let modulesLoad = "/etc/modules-load.d/k8s.conf"
    public static let haproxyConfig = "/etc/haproxy/haproxy.cfg"
    public static let nginxConfig = "/etc/nginx/nginx.conf"
    public static let keepalivedConfig = "/etc/keepalived/keepalived.conf"
    public static let keepalivedCheck = "/etc/keepalived/check-apiserver.sh"
    public static let keepalivedUnit = "/etc/systemd/system/keepalived.service"

    public static let kubeletBinary = "/usr/local/bin/kubelet"
    public static let etcdBinary = "/usr/local/bin/etcd"
    public static let containerdBinary = "/usr/local/bin/containerd"
    public static let keepalivedBinary = "/usr/sbin/keepalived"
    public static let modprobeBinary = "/sbin/modprobe"

    /// Every binary a rendered unit starts, for the executor's install step and for tests that
    /// put stand-ins at these paths.
    public static let unitBinaries = [kubeletBinary, etcdBinary, containerdBinary, keepalivedBinary, modprobeBinary]

    public static func kubeconfig(_ name: String) -> String { "\(kubernetesDirectory)/\(name).conf" }
    public static func manifest(_ name: String) -> String { "\(manifests)/\(name).yaml" }
    public static func pkiFile(_ name: String) -> String { "\(pki)/\(name)" }
}
