/// The Kubernetes release and node-agent settings.
public struct KubernetesSettings: Sendable, Hashable, Codable {
    public var version: SemanticVersion
    /// Registry the control-plane images are pulled from.
    public var imageRepository: String
    public init(version: SemanticVersion, imageRepository: String = Defaults.imageRepository) {
        self.version = version
        self.imageRepository = imageRepository
    }
}

public struct KubeletSettings: Sendable, Hashable, Codable {
    public var maxPods: Int
    public var cgroupDriver: String
    public var containerRuntimeEndpoint: String
    public var extraArgs: [String: String]
    public init(maxPods: Int = 110, cgroupDriver: String = "systemd",
                containerRuntimeEndpoint: String = "unix:///run/containerd/containerd.sock",
                extraArgs: [String: String] = [:]) {
        self.maxPods = maxPods
        self.cgroupDriver = cgroupDriver
        self.containerRuntimeEndpoint = containerRuntimeEndpoint
        self.extraArgs = extraArgs
    }
}

/// How certificates are issued.
public struct PKISettings: Sendable, Hashable, Codable {
    public enum KeyAlgorithm: String, Sendable, Hashable, Codable, CaseIterable {
        case rsa2048 = "rsa-2048"
        case ecdsaP256 = "ecdsa-p256"
    }
    public var keyAlgorithm: KeyAlgorithm
    public var caValidityDays: Int
    public var certificateValidityDays: Int
    /// Renew certificates during `apply` when they expire within this many days (0 = never).
    public var renewBeforeDays: Int
    public init(keyAlgorithm: KeyAlgorithm = .rsa2048, caValidityDays: Int = 3650,
                certificateValidityDays: Int = 365, renewBeforeDays: Int = 30) {
        self.keyAlgorithm = keyAlgorithm
        self.caValidityDays = caValidityDays
        self.certificateValidityDays = certificateValidityDays
        self.renewBeforeDays = renewBeforeDays
    }
}
