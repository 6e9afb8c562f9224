import ArgumentParser

public struct K8sctlCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "k8sctl")
    public init() {}
}
