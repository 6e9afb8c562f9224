/// Everything `static-pod.yaml.mustache` needs for one single-container, host-network pod in
/// kube-system: the control-plane components, etcd, the local API proxy and kube-vip.
public struct StaticPodContext: TemplateContext, Sendable, Hashable {
    public struct Probe: Sendable, Hashable {
        public enum Kind: String, Sendable { case liveness = "livenessProbe", readiness = "readinessProbe", startup = "startupProbe" }
        public var kind: Kind
        public var host: String
        public var path: String
        public var port: Int
        public var scheme: String
        public var initialDelaySeconds: Int?
        public var periodSeconds: Int
        public var timeoutSeconds: Int
        public var failureThreshold: Int
    }

    public struct Volume: Sendable, Hashable {
        public var name: String
        public var hostPath: String
        public var mountPath: String
        /// `DirectoryOrCreate`, `FileOrCreate`, `File`, `Directory`.
        public var type: String
        public var readOnly: Bool
    }

    public var name: String
    public var image: String
    public var command: [String]
    public var args: [String] = []
    public var labels: [(String, String)]
    public var annotations: [(String, String)] = []
    public var env: [(String, String)] = []
    public var probes: [Probe] = []
    public var cpuRequest: String
    public var memoryRequest: String?
    public var capabilities: [String] = []
    public var hostAliases: [(String, String)] = []
    public var volumes: [Volume]

    public static func == (lhs: StaticPodContext, rhs: StaticPodContext) -> Bool {
        lhs.name == rhs.name && lhs.image == rhs.image && lhs.command == rhs.command && lhs.args == rhs.args
            && lhs.volumes == rhs.volumes && lhs.probes == rhs.probes
            && lhs.env.map { $0.0 + "=" + $0.1 } == rhs.env.map { $0.0 + "=" + $0.1 }
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(name); hasher.combine(command) }

    /// kubeadm's probe timings (staticpod.LivenessProbe / ReadinessProbe / StartupProbe).
    public static func kubeadmProbes(host: String, port: Int, scheme: String,
                                     liveness: String, readiness: String?, startup: String) -> [Probe] {
        var probes = [Probe(kind: .liveness, host: host, path: liveness, port: port, scheme: scheme,
                            initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 15, failureThreshold: 8)]
        if let readiness {
            probes.append(Probe(kind: .readiness, host: host, path: readiness, port: port, scheme: scheme,
                                initialDelaySeconds: nil, periodSeconds: 1, timeoutSeconds: 15, failureThreshold: 3))
        }
        probes.append(Probe(kind: .startup, host: host, path: startup, port: port, scheme: scheme,
                            initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 15, failureThreshold: 24))
        return probes
    }

    public var templateValues: [String: Any] {
        let q = YAMLText.quoted
        func pairs(_ list: [(String, String)]) -> [[String: Any]] { list.map { ["key": q($0.0), "value": q($0.1)] } }
        return [
            "podName": q(name), "containerName": q(name), "image": q(image),
            "command": command.map(q), "args": args.map(q), "hasArgs": !args.isEmpty,
            "labels": pairs(labels), "annotations": pairs(annotations), "hasAnnotations": !annotations.isEmpty,
            "env": pairs(env), "hasEnv": !env.isEmpty,
            "probes": probes.map { probe -> [String: Any] in
                ["probeKind": probe.kind.rawValue, "probeHost": q(probe.host), "probePath": q(probe.path),
                 "probePort": probe.port, "probeScheme": probe.scheme,
                 "hasInitialDelay": probe.initialDelaySeconds != nil, "initialDelaySeconds": probe.initialDelaySeconds ?? 0,
                 "periodSeconds": probe.periodSeconds, "timeoutSeconds": probe.timeoutSeconds,
                 "failureThreshold": probe.failureThreshold]
            },
            "cpuRequest": q(cpuRequest), "hasMemoryRequest": memoryRequest != nil, "memoryRequest": q(memoryRequest ?? ""),
            "capabilities": capabilities.map(q), "hasCapabilities": !capabilities.isEmpty,
            "hostAliases": hostAliases.map { ["aliasAddress": q($0.0), "aliasName": q($0.1)] },
            "hasHostAliases": !hostAliases.isEmpty,
            "volumes": volumes.map { volume -> [String: Any] in
                ["volumeName": q(volume.name), "hostPath": q(volume.hostPath), "mountPath": q(volume.mountPath),
                 "hostPathType": volume.type, "readOnly": volume.readOnly ? "true" : "false"]
            },
        ]
    }
}
