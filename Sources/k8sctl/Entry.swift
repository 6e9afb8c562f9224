import K8sctlCLI

@main
struct Entry {
    static func main() async {
        await K8sctlCommand.runCommandLine()
    }
}
