// Test support for k8sctl's tests.
