// The K8sctlInventory module. See README.md, Architecture.
