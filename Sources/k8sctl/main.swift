import K8sctlCLI

await K8sctlCommand.main()
