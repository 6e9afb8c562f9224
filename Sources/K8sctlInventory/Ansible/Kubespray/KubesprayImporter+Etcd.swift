import K8sctlModel

/// `etcd` group and `etcd_*` variables → `spec.etcd`.
extension KubesprayImporter {
    func etcdSettings(_ context: inout KubesprayImportContext) -> EtcdSettings {
        var etcd = EtcdSettings()
        let etcdHosts = context.clusterHosts.filter { KubesprayGroups.roles(of: $0).contains(.etcd) }
        etcd.topology = etcdHosts.allSatisfy { KubesprayGroups.roles(of: $0).contains(.controlPlane) } ? .stacked : .external
        if context.clusterBool("etcd_kubeadm_enabled")?.value == true { etcd.deployment = .staticPod }
        if let type = context.clusterString("etcd_deployment_type") {
            switch type.value {
            case "host": etcd.deployment = .host
            case "kubeadm": etcd.deployment = .staticPod
            default:
                context.warn("etcd_deployment_type '\(type.value)' (etcd in a container engine) is not supported; imported as 'host' (a systemd unit)",
                             at: type.location)
                etcd.deployment = .host
            }
            context.record("spec.etcd.deployment", type.location)
        }
        if let dataDir = context.clusterString("etcd_data_dir") {
            etcd.dataDir = dataDir.value
            context.record("spec.etcd.dataDir", dataDir.location)
        }
        if let version = context.clusterString("etcd_version") {
            if let parsed = SemanticVersion(version.value) {
                etcd.version = parsed
                context.record("spec.etcd.version", version.location)
            } else {
                context.error("etcd_version '\(version.value)' is not a version like 3.5.16", at: version.location)
            }
        }
        return etcd
    }
}
