import Foundation

/// The saved form of a plan (`plan -o plan.json`): pretty, keys sorted, so two runs over the same
/// inputs give byte-identical files and diffs between plans are readable. Schema: docs/planning.md.
public enum PlanJSON {
    public static func encode(_ plan: Plan) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(plan), as: UTF8.self) + "\n"
    }

    /// Reads a saved plan.
    /// - Throws: `DecodingError` for malformed JSON; `PlanSchemaError` for another schema version.
    public static func decode(_ text: String) throws -> Plan {
        let plan = try JSONDecoder().decode(Plan.self, from: Data(text.utf8))
        guard plan.schemaVersion == Plan.currentSchemaVersion else {
            throw PlanSchemaError(found: plan.schemaVersion, supported: Plan.currentSchemaVersion)
        }
        return plan
    }
}

/// A saved plan written by an incompatible k8sctl.
public struct PlanSchemaError: Error, CustomStringConvertible {
    public var found: Int
    public var supported: Int
    public var description: String {
        "plan has schemaVersion \(found), this k8sctl reads \(supported); re-run `k8sctl plan` with this version"
    }
}
