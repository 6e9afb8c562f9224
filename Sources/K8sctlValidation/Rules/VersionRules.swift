import K8sctlModel

/// Kubernetes versions: what k8sctl supports, upgrade paths, component skew and artifact pins.
enum VersionRules {
    static let all: [ValidationRule] = [unsupported, downgrade, skippedMinor, unpinned, kubeletSkew]

    /// Minor lines k8sctl can install: those it knows the paired etcd release for.
    static var supportedMinors: [String] {
        Defaults.etcdVersionByKubernetesMinor.keys.sorted { lhs, rhs in
            lhs.split(separator: ".").compactMap { Int($0) }.lexicographicallyPrecedes(rhs.split(separator: ".").compactMap { Int($0) })
        }
    }

    /// How many minors a kubelet may lag behind kube-apiserver (Kubernetes version skew policy,
    /// n-3 since 1.28, which is the oldest line k8sctl supports). It may never be newer.
    static let kubeletMaxMinorLag = 3

    static let unsupported = ValidationRule(
        id: "K8S-VERSION-001", category: .version, severity: .error,
        summary: "The Kubernetes version is not one k8sctl can install.",
        explanation: """
        k8sctl renders manifests, flags and the etcd pairing for specific Kubernetes minor lines. \
        A version outside them (or a pre-release) gets flags the components may reject. A version \
        that does not parse as MAJOR.MINOR.PATCH is reported by the loader with its position.
        """,
        fix: "Use a released version of a supported minor line, e.g. 1.31.4.") { context in
        let version = context.desired.kubernetes.version
        let lines = supportedMinors
        if version.major != 1 || !lines.contains(version.minorLine) {
            return [context.finding("Kubernetes \(version) is not supported: supported lines are \(lines.joined(separator: ", "))",
                                    at: "spec.kubernetes.version", subject: "kubernetes")]
        }
        if let pre = version.preRelease {
            return [context.finding("Kubernetes \(version) is a pre-release (\(pre)); only released versions are supported",
                                    at: "spec.kubernetes.version", subject: "kubernetes")]
        }
        return []
    }

    static let downgrade = ValidationRule(
        id: "K8S-VERSION-002", category: .version, severity: .error,
        summary: "The change downgrades Kubernetes.",
        explanation: """
        Kubernetes does not support downgrades: objects stored by the newer API server may use \
        fields or storage versions the older one cannot read. Going back means restoring an etcd \
        snapshot taken before the upgrade.
        """,
        fix: "Keep the version at or above the previous one; to go back, restore the pre-upgrade etcd snapshot.",
        needsPrevious: true) { context in
        guard let previous = context.previous, context.desired.kubernetes.version < previous.kubernetes.version else { return [] }
        return [context.finding("Kubernetes goes down from \(previous.kubernetes.version) to \(context.desired.kubernetes.version)",
                                at: "spec.kubernetes.version", subject: "kubernetes", previousPath: "spec.kubernetes.version")]
    }

    static let skippedMinor = ValidationRule(
        id: "K8S-VERSION-003", category: .version, severity: .error,
        summary: "The upgrade skips a minor version.",
        explanation: """
        Kubernetes upgrades one minor line at a time (1.29 → 1.30 → 1.31): the control plane of \
        minor n+2 does not migrate storage written by n, and kubelets at n would be outside the \
        supported skew while the control plane moves.
        """,
        fix: "Upgrade to the next minor line first, apply, then continue.",
        needsPrevious: true) { context in
        guard let previous = context.previous else { return [] }
        let old = previous.kubernetes.version, new = context.desired.kubernetes.version
        guard old.major == new.major, new.minor - old.minor > 1 else {
            if old.major != new.major && new > old {
                return [context.finding("Kubernetes \(old) → \(new) changes the major version", at: "spec.kubernetes.version",
                                        subject: "kubernetes", previousPath: "spec.kubernetes.version")]
            }
            return []
        }
        return [context.finding(
            "Kubernetes \(old.minorLine) → \(new.minorLine) skips \(new.minor - old.minor - 1) minor line\(new.minor - old.minor == 2 ? "" : "s"); upgrade to \(old.major).\(old.minor + 1) first",
            at: "spec.kubernetes.version", subject: "kubernetes", previousPath: "spec.kubernetes.version")]
    }

    static let unpinned = ValidationRule(
        id: "K8S-VERSION-004", category: .version, severity: .error,
        summary: "A component's version has no artifact checksum pin.",
        explanation: """
        When spec.artifacts.sha256 pins a component, every binary k8sctl downloads for it is \
        checked against the pin for that exact version. An upgrade that changes the version \
        without adding the new pins would install unverified binaries, so it is refused.
        """,
        fix: "Add the sha256 of each component at the new version under spec.artifacts.sha256.<component>.") { context in
        let cluster = context.desired
        guard !cluster.artifacts.sha256.isEmpty else { return [] }
        var findings: [Diagnostic] = []
        for component in ArtifactComponent.allCases where cluster.artifacts.sha256[component.rawValue] != nil {
            let version: SemanticVersion
            if component.followsKubernetesVersion { version = cluster.kubernetes.version }
            else if component == .etcd || component == .etcdctl { version = cluster.etcdVersion }
            else { continue }
            if cluster.artifacts.pin(component: component.rawValue, version: version.description) == nil {
                findings.append(context.finding(
                    "\(component.rawValue) \(version) has no sha256 pin (pinned: \(cluster.artifacts.sha256[component.rawValue]!.keys.sorted().joined(separator: ", ")))",
                    at: "spec.artifacts.sha256.\(component.rawValue)", subject: component.rawValue))
            }
        }
        return findings
    }

    static let kubeletSkew = ValidationRule(
        id: "K8S-VERSION-005", category: .version, severity: .error,
        summary: "Kubelets would be outside the supported version skew of the control plane.",
        explanation: """
        Kubernetes' version skew policy allows a kubelet to be up to three minor versions older \
        than kube-apiserver and never newer. During an upgrade the control plane moves first; \
        kubelets observed (or previously declared) further behind would be cut off from the API.
        """,
        fix: "Upgrade the lagging kubelets to within three minors of the target first, or upgrade in smaller steps.") { context in
        let target = context.desired.kubernetes.version
        func lagProblem(_ running: SemanticVersion) -> String? {
            guard running.major == target.major else { return nil }
            let lag = target.minor - running.minor
            if lag > kubeletMaxMinorLag { return "\(lag) minors behind control plane \(target) (at most \(kubeletMaxMinorLag))" }
            if lag < 0 { return "newer than control plane \(target)" }
            return nil
        }
        var findings: [Diagnostic] = []
        var unobserved: [Host] = []
        let previousKubelets = Set(context.previous?.kubeletHosts.map(\.name) ?? [])
        for host in context.desired.kubeletHosts {
            if let seen = context.observed?.kubeletVersion(of: host.name) {
                if let problem = lagProblem(seen) {
                    findings.append(context.finding("kubelet \(seen) observed on \(host.name) is \(problem)",
                                                    at: host.path("name"), subject: host.name))
                }
            } else if previousKubelets.contains(host.name) {
                unobserved.append(host)
            }
        }
        // Kubelets not observed run the previous inventory's version until the upgrade reaches them;
        // one finding for all of them, since they share the cause. A newer previous version is a
        // downgrade, reported by K8S-VERSION-002.
        if let previous = context.previous, !unobserved.isEmpty,
           target.minor - previous.kubernetes.version.minor > kubeletMaxMinorLag,
           let problem = lagProblem(previous.kubernetes.version) {
            findings.append(context.finding(
                "\(unobserved.count) kubelet\(unobserved.count == 1 ? "" : "s") at \(previous.kubernetes.version) would be \(problem) during the upgrade",
                at: "spec.kubernetes.version", subject: "kubelet", previousPath: "spec.kubernetes.version",
                previousNote: "version the kubelets run"))
        }
        return findings
    }
}
