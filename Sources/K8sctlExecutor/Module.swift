// The K8sctlExecutor module. See README.md, Architecture.
