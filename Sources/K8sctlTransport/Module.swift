// The K8sctlTransport module. See README.md, Architecture.
