import K8sctlExecutor

extension CommandContext {
    /// Runs a maintenance operation and maps its errors to exit codes: unusable input (a missing or
    /// corrupt snapshot, an unknown name, an unreachable host, no confirmation) is 2, anything
    /// refused or failed on the cluster is 1. The message is printed either way.
    static func runMaintenance<Value>(_ body: () async throws -> Value) async throws -> Value {
        do {
            return try await body()
        } catch let error as UnusableInput {
            printError(error.message)
            throw unusableInput
        } catch {
            printError("\(error)")
            throw refused
        }
    }
}
