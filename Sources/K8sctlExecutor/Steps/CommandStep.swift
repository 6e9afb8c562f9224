import K8sctlPlanning

/// Runs a guarded command: skipped when `creates` exists or `unless` succeeds, so a second apply
/// does nothing.
struct CommandStep {
    let action: CommandAction

    func run(in context: StepContext) async throws -> (StepStatus, String) {
        if let creates = action.creates,
           try await context.run(["test", "-e", creates]).succeeded {
            return (.ok, "\(creates) exists")
        }
        if let unless = action.unless, !unless.isEmpty,
           try await context.run(unless).succeeded {
            return (.ok, "guard holds")
        }
        try await context.require(action.argv)
        return (.changed, action.argv.joined(separator: " "))
    }
}
