// The K8sctlPlanning module. See README.md, Architecture.
