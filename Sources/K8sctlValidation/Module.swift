// The K8sctlValidation module. See README.md, Architecture.
