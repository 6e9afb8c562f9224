import K8sctlModel
import Yams

/// Maps the document's top level and `spec` onto `Cluster`, one section reader per concern.
struct ClusterReader {
    let context: LoadContext

    func read(_ root: Node) -> Cluster? {
        guard var top = MappingReader(root, path: "", context: context, what: "the inventory") else { return nil }
        let apiVersion = top.string("apiVersion", required: true)
        if let apiVersion, apiVersion != Defaults.apiVersion {
            context.error("apiVersion '\(apiVersion)' is not supported", at: top.value("apiVersion"),
                          hint: "use apiVersion: \(Defaults.apiVersion)")
        }
        let kind = top.string("kind", required: true)
        if let kind, kind != Defaults.kind {
            context.error("kind '\(kind)' is not supported", at: top.value("kind"), hint: "use kind: \(Defaults.kind)")
        }
        var name: String?
        if var metadata = top.mapping("metadata") {
            name = metadata.string("name", required: true)
            if let value = name, !InputSyntax.isHostName(value) {
                context.error("metadata.name '\(value)' must be a lower-case DNS name (a-z, 0-9, '-', '.')", at: metadata.value("name"))
            }
            metadata.finish()
        } else {
            context.error("missing required key 'metadata' (with metadata.name)", at: root)
        }
        guard var spec = top.mapping("spec") else {
            if !top.has("spec") { context.error("missing required key 'spec'", at: root) }
            top.finish()
            return nil
        }
        top.finish()

        let sections = SpecSections(context: context)
        let kubernetes = sections.kubernetes(&spec)
        let network = sections.network(&spec)
        let controlPlane = sections.controlPlane(&spec)
        let etcd = sections.etcd(&spec)
        let kubelet = sections.kubelet(&spec)
        let pki = sections.pki(&spec)
        let artifacts = sections.artifacts(&spec)
        let ssh = sections.ssh(&spec)
        let rollout = sections.rollout(&spec)
        let pools = HostsReader(context: context).pools(&spec)
        let hosts = HostsReader(context: context).hosts(&spec, pools: pools)
        spec.finish()

        guard let name, let kubernetes else { return nil }
        return Cluster(name: name, kubernetes: kubernetes, network: network, controlPlane: controlPlane,
                       etcd: etcd, kubelet: kubelet, pki: pki, artifacts: artifacts, ssh: ssh, rollout: rollout,
                       nodePools: pools, hosts: hosts, sourceMap: context.sourceMap)
    }
}
