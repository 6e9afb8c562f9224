import ArgumentParser
import Foundation

extension K8sctlCommand {
    /// Runs the command line the way the README's exit codes promise: a usage error (a missing
    /// argument, an unknown or malformed flag, a `validate()` refusal) is unusable input, exit 2,
    /// like a malformed inventory. swift-argument-parser's own default for those is 64 (EX_USAGE),
    /// which pipelines written against our documented codes would read as an unknown failure.
    public static func runCommandLine(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Never {
        // The process ends right after the command: what it keeps alive is reclaimed by exit.
        ExitReclaim.enable()
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            let message = fullMessage(for: error)
            FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
