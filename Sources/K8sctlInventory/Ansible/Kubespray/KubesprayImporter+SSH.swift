import K8sctlModel

/// Connection variables and the `bastion` group → `spec.ssh`.
extension KubesprayImporter {
    func sshSettings(_ context: inout KubesprayImportContext) -> SSHSettings {
        var ssh = SSHSettings()
        if let reference = context.referenceHost {
            if let user = context.value("ansible_user", of: reference), let text = user.value.stringValue {
                ssh.user = text
                context.record("spec.ssh.user", user.location)
            }
            if let port = context.value("ansible_port", of: reference) ?? context.value("ansible_ssh_port", of: reference),
               let number = port.value.intValue {
                ssh.port = number
                context.record("spec.ssh.port", port.location)
            }
            if let key = context.value("ansible_ssh_private_key_file", of: reference) ?? context.value("ansible_private_key_file", of: reference),
               let text = key.value.stringValue {
                ssh.identityFile = text
                context.record("spec.ssh.identityFile", key.location)
            }
        }
        let becoming = context.clusterHosts.filter { $0.variables["ansible_become"]?.boolValue == true }
        if !becoming.isEmpty {
            ssh.become = .sudo
            if becoming.count != context.clusterHosts.count {
                context.warn("ansible_become is set on \(becoming.count) of \(context.clusterHosts.count) hosts; k8sctl's become is cluster-wide and is set to sudo",
                             at: becoming[0].variables.origin(of: "ansible_become"))
            }
            if let method = context.clusterString("ansible_become_method"), method.value != "sudo" {
                context.warn("ansible_become_method '\(method.value)' is not supported; k8sctl uses sudo", at: method.location)
            }
        }
        let bastions = context.inventory.hosts(in: KubesprayGroups.bastion).compactMap { context.inventory.host(named: $0) }
        if let first = bastions.first {
            let address = first.variables["ansible_host"]?.stringValue ?? first.name
            ssh.bastion = Bastion(address: address, port: first.variables["ansible_port"]?.intValue ?? 22,
                                  user: first.variables["ansible_user"]?.stringValue,
                                  identityFile: first.variables["ansible_ssh_private_key_file"]?.stringValue)
            context.record("spec.ssh.bastion", first.location)
            if bastions.count > 1 {
                context.warn("the bastion group has \(bastions.count) hosts; k8sctl uses one jump host (\(first.name))", at: first.location)
            }
        }
        for host in context.clusterHosts {
            if let args = host.variables["ansible_ssh_common_args"]?.stringValue, args.contains("ProxyCommand"), bastions.isEmpty {
                context.warn("ansible_ssh_common_args of \(host.name) holds a ProxyCommand; k8sctl ignores it", at: host.variables.origin(of: "ansible_ssh_common_args"),
                             hint: "describe the jump host in spec.ssh.bastion", subject: host.name)
                break
            }
        }
        return ssh
    }
}
