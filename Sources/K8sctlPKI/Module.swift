// The K8sctlPKI module. See README.md, Architecture.
