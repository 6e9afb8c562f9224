import ArgumentParser

/// The `k8sctl` root command: global help and the list of subcommands.
public struct K8sctlCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "k8sctl",
        abstract: "Declarative Kubernetes cluster lifecycle: validate, plan and apply one inventory file.",
        discussion: """
        Describe a cluster in one inventory file (hosts, roles, node pools, version, networks,
        API endpoint, rollout policy), then:
          k8sctl validate cluster.yaml [--previous old.yaml]   static checks, a CI/CD gate
          k8sctl plan cluster.yaml                              what would change, in which order
          k8sctl apply cluster.yaml                             converge the hosts over SSH
          k8sctl status cluster.yaml                            applied revision, health, drift
        Exit codes: 0 ok, 1 refused (validation errors, failed apply), 2 unusable input.
        """,
        version: K8sctlVersion.current,
        subcommands: [
            CertsCommand.self,
            InventoryCommand.self,
            ValidateCommand.self,
            RulesCommand.self,
            PlanCommand.self,
            GraphCommand.self,
            RenderCommand.self,
            ApplyCommand.self,
            StatusCommand.self,
            UnlockCommand.self,
            AbortCommand.self,
            RollbackCommand.self,
            StopCommand.self,
            StartCommand.self,
            ResetCommand.self,
            EtcdCommand.self,
            StateCommand.self,
            VersionCommand.self,
        ]
    )
    public init() {}
}
