import ArgumentParser
import K8sctlModel
import K8sctlPlanning

/// `k8sctl plan FILE`: what apply would do, in which order, without touching a host.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would change, host by host and batch by batch.",
        discussion: """
        Without --previous the inventory is planned as a new cluster (install). With --previous
        (the inventory applied last) the plan is the change: scale-up, scale-down, upgrade,
        rollback or configuration change, e.g. as a CI preview without hosts.
          k8sctl plan cluster.yaml
          k8sctl plan cluster.yaml --previous old.yaml
          k8sctl plan cluster.yaml -o plan.json      (schema: docs/planning.md)
          k8sctl plan old.yaml --previous upgraded.yaml --rollback
                                                     back to the files saved by the last upgrade
          k8sctl plan cluster.yaml --operation etcd-backup   (also: stop, start)
          k8sctl plan cluster.yaml --previous old.yaml --member-down cp2
                                                     as apply would plan it with cp2's etcd member
                                                     down (offline, every member counts as healthy)
        Exit codes: 0 planned, 1 plan refused (a change that cannot be made), 2 unusable input.
        """)

    @Argument(help: "The inventory to plan for.")
    var inventory: String

    @Option(name: .long, help: "The inventory applied last; plans the change from it.")
    var previous: String?

    @Option(name: [.short, .customLong("output")], help: "Write the plan as JSON to this file ('-' for stdout) instead of the summary.")
    var output: String?

    @Option(name: .long, help: "Playbook directory (default: the shipped playbooks/).")
    var playbooks: String?

    @Option(name: .long, help: "Template directory checked for every render step (default: the shipped templates/, when found).")
    var templates: String?

    @Flag(name: .long, help: "List every host's steps, also when identical to the host before.")
    var verbose = false

    @Flag(name: .long, help: "Plan a rollback: the inventory's version is the one before the upgrade applied in --previous.")
    var rollback = false

    @Option(name: .long, help: "Plan a maintenance operation instead of a change: etcd-backup, stop or start.")
    var operation: String?

    @Option(name: .long, parsing: .singleValue,
            help: ArgumentHelp("Plan as if the etcd member on this host were down, as apply would observe it (repeatable; needs --previous).", valueName: "host"))
    var memberDown: [String] = []

    func run() throws {
        let plan = try PlanCommand.makePlan(inventory: inventory, previous: previous, playbooks: playbooks, templates: templates,
                                            rollback: rollback, operation: operation, membersDown: memberDown)
        if let output {
            do { try CommandContext.emit(try PlanJSON.encode(plan), to: output) } catch let exit as ExitCode { throw exit }
        } else {
            print(PlanTextFormatter(verbose: verbose).format(plan), terminator: "")
        }
        // ~19 steps per host, each with its own strings and arrays: left to exit to reclaim.
        ExitReclaim.keep(plan)
    }

    /// Loads both inventories and the playbooks, plans, prints diagnostics; exits 2 or 1 on failure.
    static func makePlan(inventory: String, previous: String?, playbooks: String?, templates: String?,
                         rollback: Bool = false, operation: String? = nil, membersDown: [String] = []) throws -> Plan {
        var maintenance: PlaybookOperation?
        if let operation {
            guard let parsed = PlaybookOperation(rawValue: operation), PlaybookOperation.maintenance.contains(parsed) else {
                CommandContext.printError("--operation '\(operation)' is not one of " + PlaybookOperation.maintenance.map(\.rawValue).joined(separator: ", "))
                throw CommandContext.unusableInput
            }
            maintenance = parsed
        }
        let desired = try CommandContext.loadCluster(path: inventory)
        let before = try previous.map { try CommandContext.loadCluster(path: $0) }
        guard let playbookDirectory = ShippedDirectoryLocator.playbooks(explicit: playbooks).locate() else {
            CommandContext.printError("no playbooks found; pass --playbooks DIR or set K8SCTL_PLAYBOOKS")
            throw CommandContext.unusableInput
        }
        let observed = try membersDown.isEmpty ? nil : observedDown(membersDown, previous: before)
        let templateDirectory = ShippedDirectoryLocator.templates(explicit: templates).locate()
        let request = PlanRequest(previous: before, desired: desired, observed: observed, playbookDirectory: playbookDirectory,
                                  templateDirectory: templateDirectory, rollback: rollback, maintenance: maintenance)
        // The clusters (hosts, source maps) outlive the plan only to be freed: left to exit.
        ExitReclaim.keep(request)
        switch request.make() {
        case .unusablePlaybooks(let diagnostics):
            CommandContext.printDiagnostics(diagnostics)
            CommandContext.printError("\(playbookDirectory): \(diagnostics.errors.count) error(s) in the playbooks; nothing was planned")
            throw CommandContext.unusableInput
        case .refused(let diagnostics):
            CommandContext.printDiagnostics(diagnostics)
            CommandContext.printError("plan refused: \(diagnostics.errors.count) error(s); nothing was changed")
            throw CommandContext.refused
        case .planned(let plan, let warnings):
            if !warnings.isEmpty { CommandContext.printDiagnostics(warnings) }
            return plan
        }
    }

    /// What apply would observe with the etcd members on `hosts` down (the others healthy).
    /// - Throws: exit 2 when a host is not an etcd member of the previous inventory.
    static func observedDown(_ hosts: [String], previous: Cluster?) throws -> ObservedState {
        guard let previous else {
            CommandContext.printError("--member-down needs --previous: a member can only be down in a running cluster")
            throw CommandContext.unusableInput
        }
        let members = Set(previous.etcdHosts.map(\.name))
        for host in hosts where !members.contains(host) {
            CommandContext.printError("--member-down \(host): not an etcd member in the previous inventory (members: \(members.sorted().joined(separator: ", ")))")
            throw CommandContext.unusableInput
        }
        return ObservedState(hosts: Dictionary(hosts.map { ($0, HostObservation(etcdHealth: .unhealthy)) }, uniquingKeysWith: { first, _ in first }))
    }
}
