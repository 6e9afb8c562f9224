import K8sctlModel

extension Validator {
    /// Validates `input` and wraps the findings with what the output formats need.
    /// - Parameters:
    ///   - inputDiagnostics: warnings from loading the inventories, reported before the rules' findings.
    ///   - inventoryFile: the validated inventory as the user named it.
    ///   - previousSource: where the previous inventory came from, for the summary line.
    public func report(for input: ValidationInput, inputDiagnostics: [Diagnostic] = [], inventoryFile: String,
                       previousSource: String?, strict: Bool, toolVersion: String) -> ValidationReport {
        ValidationReport(diagnostics: inputDiagnostics + validate(input), checkedRules: appliedRules(for: input),
                         catalog: catalog, inventoryFile: inventoryFile, previousSource: previousSource,
                         strict: strict, toolVersion: toolVersion)
    }
}
