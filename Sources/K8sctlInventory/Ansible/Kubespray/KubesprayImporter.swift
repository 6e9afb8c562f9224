import Foundation
import K8sctlModel

/// Maps a Kubespray inventory onto the native model. Groups become roles
/// (`kube_control_plane` → control-plane, `etcd` → etcd, `kube_node` → worker, `bastion` →
/// `spec.ssh.bastion`), variables become settings (see `KubesprayVariableCatalog`). Every
/// decision that loses information is a warning; a value that cannot be mapped — an address
/// that is not an IP, a Jinja expression beyond `{{ variable }}` — is an error at its position.
public struct KubesprayImporter: Sendable {
    /// Used, with a warning, when the inventory does not set `kube_version` (Kubespray then
    /// falls back to its own release's default, which the inventory does not record).
    public var fallbackKubernetesVersion: SemanticVersion

    public init(fallbackKubernetesVersion: SemanticVersion = SemanticVersion("1.31.4")!) {
        self.fallbackKubernetesVersion = fallbackKubernetesVersion
    }

    /// Maps `inventory` onto a `Cluster`.
    /// - Returns: the cluster (nil when any error was found) and every finding, positioned.
    public func importCluster(from inventory: AnsibleInventory) -> (Cluster?, [Diagnostic]) {
        let clusterHosts = inventory.hosts.filter { !KubesprayGroups.roles(of: $0).isEmpty }
        let reference = clusterHosts.first { KubesprayGroups.roles(of: $0).contains(.controlPlane) } ?? clusterHosts.first
        var context = KubesprayImportContext(inventory: inventory, clusterHosts: clusterHosts, referenceHost: reference)

        reportGroups(&context)
        guard !clusterHosts.isEmpty else {
            context.error("no hosts in kube_control_plane, etcd or kube_node: nothing to import", at: nil,
                          hint: "Kubespray inventories put hosts in [kube_control_plane], [etcd] and [kube_node]")
            return (nil, context.diagnostics)
        }

        let name = clusterName(&context)
        let kubernetes = kubernetesSettings(&context)
        let network = networkSettings(&context)
        let controlPlane = controlPlaneSettings(&context)
        let etcd = etcdSettings(&context)
        var kubelet = KubeletSettings()
        if let maxPods = context.clusterInt("kubelet_max_pods") {
            kubelet.maxPods = maxPods.value
            context.record("spec.kubelet.maxPods", maxPods.location)
        }
        let ssh = sshSettings(&context)
        var hosts: [K8sctlModel.Host] = []
        for (index, source) in clusterHosts.enumerated() {
            if let host = context.importHost(source, index: hosts.count, clusterSSH: ssh) { hosts.append(host) }
            _ = index
        }
        reportUnmappedVariables(&context)

        guard !context.diagnostics.hasErrors, let kubernetes else { return (nil, context.diagnostics) }
        context.record("", SourceLocation(file: inventory.source, line: 1, column: 1))
        let cluster = Cluster(name: name, kubernetes: kubernetes, network: network, controlPlane: controlPlane, etcd: etcd,
                              kubelet: kubelet, ssh: ssh, hosts: hosts, sourceMap: context.sourceMap)
        return (cluster, context.diagnostics)
    }

    // MARK: Groups

    private func reportGroups(_ context: inout KubesprayImportContext) {
        let inventory = context.inventory
        for (legacy, current) in KubesprayGroups.legacyNames.sorted(by: { $0.key < $1.key }) {
            if let group = inventory.group(named: legacy) {
                context.warn("group '\(legacy)' is Kubespray's old name for '\(current)'; imported as such", at: group.location,
                             hint: "rename it to \(current)")
            }
        }
        if let group = inventory.group(named: KubesprayGroups.calicoRouteReflectors), !inventory.hosts(in: group.name).isEmpty {
            context.warn("calico_rr (Calico route reflectors: \(inventory.hosts(in: group.name).joined(separator: ", "))) is not supported by k8sctl; those hosts keep only their other roles",
                         at: group.location, hint: "Calico's default full-mesh BGP is used instead")
        }
        let bastions = Set(inventory.hosts(in: KubesprayGroups.bastion))
        for host in inventory.hosts where KubesprayGroups.roles(of: host).isEmpty && !bastions.contains(host.name) {
            context.warn("host \(host.name) is in none of kube_control_plane, etcd or kube_node; not imported", at: host.location, subject: host.name)
        }
        for host in context.clusterHosts {
            let roles = KubesprayGroups.roles(of: host)
            if roles == [.etcd], KubesprayGroups.cluster.contains(where: host.groups.contains) {
                context.warn("host \(host.name) is in k8s_cluster but only in etcd: imported as a dedicated etcd host (no kubelet)", at: host.location, subject: host.name)
            }
        }
    }

    // MARK: Cluster-wide settings

    private func clusterName(_ context: inout KubesprayImportContext) -> String {
        if let found = context.clusterString("cluster_name") {
            if InputSyntax.isHostName(found.value) {
                context.record("metadata.name", found.location)
                return found.value
            }
            context.warn("cluster_name '\(found.value)' is not a lower-case DNS name; metadata.name derived from the inventory directory instead",
                         at: found.location)
        }
        let directory = URL(fileURLWithPath: context.inventory.source).standardizedFileURL
        var base = directory.hasDirectoryPath ? directory.lastPathComponent : directory.deletingLastPathComponent().lastPathComponent
        base = String(base.lowercased().map { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII ? $0 : "-" })
            .trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return InputSyntax.isHostName(base) ? base : "imported"
    }

    private func kubernetesSettings(_ context: inout KubesprayImportContext) -> KubernetesSettings? {
        var version = fallbackKubernetesVersion
        if let found = context.clusterString("kube_version") {
            guard let parsed = SemanticVersion(found.value) else {
                context.error("kube_version '\(found.value)' is not a version like v1.31.4", at: found.location)
                return nil
            }
            version = parsed
            context.record("spec.kubernetes.version", found.location)
        } else {
            context.warn("kube_version is not set in the inventory (Kubespray uses its release's default); using \(fallbackKubernetesVersion)",
                         at: nil, hint: "set kube_version in group_vars/k8s_cluster/k8s-cluster.yml, or edit spec.kubernetes.version")
        }
        var settings = KubernetesSettings(version: version)
        if let repo = context.clusterString("kube_image_repo") {
            settings.imageRepository = repo.value
            context.record("spec.kubernetes.imageRepository", repo.location)
        }
        return settings
    }

    private func networkSettings(_ context: inout KubesprayImportContext) -> NetworkSettings {
        var network = NetworkSettings()
        // Kubespray's own defaults, not k8sctl's, where the inventory is silent.
        network.serviceCIDR = CIDR("10.233.0.0/18")!
        network.podCIDR = CIDR("10.233.64.0/18")!
        network.dnsDomain = "cluster.local"
        for (key, path) in [("kube_service_addresses", "serviceCIDR"), ("kube_pods_subnet", "podCIDR")] {
            guard let found = context.clusterString(key) else { continue }
            let first = found.value.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard let cidr = CIDR(first) else {
                context.error("\(key) '\(found.value)' is not a CIDR like 10.233.0.0/18", at: found.location)
                continue
            }
            if found.value.contains(",") {
                context.warn("\(key) lists several networks; k8sctl imports the first (\(cidr))", at: found.location)
            }
            if path == "serviceCIDR" { network.serviceCIDR = cidr } else { network.podCIDR = cidr }
            context.record("spec.network.\(path)", found.location)
        }
        if let prefix = context.clusterInt("kube_network_node_prefix") {
            network.nodeMaskSize = prefix.value
            context.record("spec.network.nodeMaskSize", prefix.location)
        }
        if let domain = context.clusterString("dns_domain") ?? context.clusterString("cluster_name") {
            network.dnsDomain = domain.value
            context.record("spec.network.dnsDomain", domain.location)
        }
        network.plugin = "calico"
        if let plugin = context.clusterString("kube_network_plugin") {
            network.plugin = plugin.value
            context.record("spec.network.plugin", plugin.location)
            if !KubesprayGroups.documentedPlugins.contains(plugin.value) {
                context.warn("kube_network_plugin '\(plugin.value)' is not one of the plugins k8sctl installs (\(KubesprayGroups.documentedPlugins.sorted().joined(separator: ", "))); kept as is",
                             at: plugin.location, hint: plugin.value == "cni" ? "with 'cni' Kubespray installs no plugin; deploy yours after apply" : nil)
            }
        }
        return network
    }

    // MARK: Unmapped variables

    private func reportUnmappedVariables(_ context: inout KubesprayImportContext) {
        guard let reference = context.referenceHost else { return }
        var unknown: [String] = []
        for (key, value) in reference.variables.values {
            guard let entry = KubesprayVariableCatalog.byName[key] else {
                if !key.hasPrefix("ansible_") { unknown.append(key) }
                continue
            }
            if case .unsupported(let matching, let reason) = entry.disposition, value != matching {
                // Reported per host elsewhere, or harmless to drop.
                if key == "ansible_ssh_common_args" { continue }
                context.warn("\(key) = \(value) is not imported: \(reason)", at: reference.variables.origin(of: key))
            }
        }
        if !unknown.isEmpty {
            let listed = unknown.sorted().prefix(12).joined(separator: ", ")
            context.note("\(unknown.count) Kubespray variable\(unknown.count == 1 ? " has" : "s have") no k8sctl equivalent and \(unknown.count == 1 ? "was" : "were") not imported: \(listed)\(unknown.count > 12 ? ", …" : "")",
                         at: nil, hint: "docs/import.md lists what each imported variable becomes")
        }
    }
}

extension KubesprayImporter {
    /// Loads the Ansible inventory at `path` (with its group_vars/host_vars) and maps it.
    /// - Returns: the cluster (nil when loading or mapping found an error) and every finding.
    public func importCluster(path: String) -> (Cluster?, [Diagnostic]) {
        let (inventory, loadDiagnostics) = AnsibleInventory.load(path: path)
        guard let inventory else { return (nil, loadDiagnostics) }
        let (cluster, importDiagnostics) = importCluster(from: inventory)
        return (cluster, loadDiagnostics + importDiagnostics)
    }
}
