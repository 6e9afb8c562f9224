// The K8sctlRendering module. See README.md, Architecture.
