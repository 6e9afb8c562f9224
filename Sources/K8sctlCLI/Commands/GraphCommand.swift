import ArgumentParser
import K8sctlPlanning

/// `k8sctl graph FILE`: the plan's task graph as Graphviz DOT.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the plan's task graph as Graphviz DOT, grouped by batch and host.",
        discussion: """
          k8sctl graph cluster.yaml | dot -Tsvg > plan.svg
          k8sctl graph cluster.yaml --previous old.yaml > change.dot
        Exit codes as for plan.
        """)

    @Argument(help: "The inventory to plan for.")
    var inventory: String

    @Option(name: .long, help: "The inventory applied last; graphs the change from it.")
    var previous: String?

    @Option(name: .long, help: "Playbook directory (default: the shipped playbooks/).")
    var playbooks: String?

    @Option(name: .long, help: "Template directory checked for every render step.")
    var templates: String?

    @Flag(name: .long, help: "Graph a rollback (see `k8sctl plan --help`).")
    var rollback = false

    @Option(name: .long, help: "Graph a maintenance operation: etcd-backup, stop or start.")
    var operation: String?

    func run() throws {
        let plan = try PlanCommand.makePlan(inventory: inventory, previous: previous, playbooks: playbooks, templates: templates,
                                            rollback: rollback, operation: operation)
        print(PlanDOTFormatter().format(plan), terminator: "")
        ExitReclaim.keep(plan)
    }
}
