import ArgumentParser
import Foundation
import K8sctlExecutor
import K8sctlPlanning
import K8sctlTransport

/// `k8sctl reset FILE HOST… | --all`: remove what k8sctl installed from hosts.
struct ResetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Remove k8sctl's services, files and data from hosts that left the cluster, or from the whole cluster.",
        discussion: """
        k8sctl reset cluster.yaml HOST…   hosts that already left the cluster: scaled down by apply,
                                          or removed while unreachable (apply --remove-unreachable)
        k8sctl reset cluster.yaml --all   every host of the inventory; the applied state and lock go too

        On each host: kubelet, containerd, etcd (every unit the install playbook starts) are stopped
        and disabled; then /etc/kubernetes (configs, manifests, PKI), /etc/etcd, the unit files,
        the installed binaries, the kubelet's and etcd's data and /var/lib/k8sctl are moved under
        /var/lib/k8sctl-reset/<UTC time>/ with their paths kept, so a mistake can be undone by moving
        them back. --wipe-data deletes them instead.

        A host that is still in the inventory, in the applied revision, or in etcd's member list is
        refused, and nothing is touched: take it out with apply (scale-down) first. Asks for
        confirmation (type the host names, or the cluster name for --all) unless --yes is given.

        Exit codes: 0 reset, 1 refused or a host failed, 2 unusable input (unknown host, no
        confirmation possible).
        """)

    @Argument(help: "The inventory file (k8sctl.dev/v1 Cluster).")
    var inventory: String

    @Argument(help: "Hosts to reset (names as the inventory or an earlier revision had them).")
    var hosts: [String] = []

    @Flag(name: .long, help: "Reset every host of the cluster and clear the cluster's state and lock.")
    var all = false

    @Flag(name: .long, help: "Delete data, configuration and PKI instead of moving them aside.")
    var wipeData = false

    @Flag(name: .long, help: "Do not ask for confirmation (for scripts).")
    var yes = false

    @Option(name: .long, help: "Progress output: text or json.")
    var output: ApplyCommand.OutputFormat = .text

    @Option(name: .long, help: "Playbook directory (default: the shipped playbooks/).")
    var playbooks: String?

    @Option(name: .long, help: "Template directory (default: the shipped templates/).")
    var templates: String?

    /// Usage mistakes are unusable input (exit 2), like every other bad input.
    mutating func validate() throws {
        let problem = all && !hosts.isEmpty ? "give host names or --all, not both"
            : !all && hosts.isEmpty ? "name the hosts to reset, or pass --all for the whole cluster"
            : Set(hosts).count != hosts.count ? "a host is named twice" : nil
        if let problem {
            CommandContext.printError("reset: \(problem); nothing was changed")
            throw CommandContext.unusableInput
        }
    }

    func run() async throws {
        let cluster = try CommandContext.loadCluster(path: inventory)
        guard let playbookDirectory = ShippedDirectoryLocator.playbooks(explicit: playbooks).locate() else {
            CommandContext.printError("no playbooks found; pass --playbooks DIR or set K8SCTL_PLAYBOOKS")
            throw CommandContext.unusableInput
        }
        let library = try CommandContext.loadTemplates(explicit: templates)
        // Hosts of the inventory are refused here already, before any connection or question.
        if let member = hosts.first(where: { cluster.host(named: $0) != nil }) {
            CommandContext.printError(ResetRefusal.member(host: member, reason: "in the inventory").description)
            throw CommandContext.refused
        }
        try confirm(clusterName: cluster.name)

        let printer = ApplyEventPrinter(format: output)
        let request = ResetRequest(desired: cluster, targets: all ? .all : .hosts(hosts), wipeData: wipeData,
                                   playbookDirectory: playbookDirectory, templates: library,
                                   connector: HostConnector(settings: cluster.ssh), sink: { printer.handle($0) })
        let report: ApplyReport
        do {
            report = try await HostReset().run(request)
        } catch let refusal as ResetRefusal {
            CommandContext.printError(refusal.description)
            if case .unknownHost = refusal { throw CommandContext.unusableInput }
            throw CommandContext.refused
        } catch {
            CommandContext.printError("\(error)")
            throw CommandContext.refused
        }
        printer.finish(report, success: "reset")
        if !report.succeeded { throw CommandContext.refused }
    }

    /// Asks on the terminal: the host names (or, for --all, the cluster name) must be typed back.
    private func confirm(clusterName: String) throws {
        if yes { return }
        guard isatty(STDIN_FILENO) == 1 else {
            CommandContext.printError("reset asks for confirmation on a terminal; pass --yes to reset without asking")
            throw CommandContext.unusableInput
        }
        let what = wipeData ? "DELETE their Kubernetes data, configuration and certificates"
                            : "move their Kubernetes data, configuration and certificates under /var/lib/k8sctl-reset/"
        let expected = all ? clusterName : hosts.joined(separator: " ")
        let subject = all ? "EVERY host of cluster \(clusterName) (its state and lock are cleared)" : hosts.joined(separator: ", ")
        FileHandle.standardError.write(Data("This stops k8sctl's services on \(subject) and will \(what).\nType '\(expected)' to continue: ".utf8))
        guard let answer = readLine(), answer.trimmingCharacters(in: .whitespaces) == expected else {
            CommandContext.printError("not confirmed; nothing was changed")
            throw CommandContext.refused
        }
    }
}
