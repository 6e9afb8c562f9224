import K8sctlModel

/// Variables of one inventory object (a group, a host, a vars file) with where each top-level
/// value was written, so a later finding about a value can point at its line.
public struct InventoryVariables: Sendable, Hashable {
    public private(set) var values = AnsibleMapping()
    public private(set) var origins: [String: SourceLocation] = [:]

    public init() {}

    public init(_ values: AnsibleMapping, origins: [String: SourceLocation] = [:]) {
        self.values = values
        self.origins = origins
    }

    public var isEmpty: Bool { values.isEmpty }
    public var count: Int { values.count }

    public subscript(key: String) -> AnsibleValue? { values[key] }

    public func origin(of key: String) -> SourceLocation? { origins[key] }

    /// Ansible's `set_variable`: the new value replaces the old (mappings too, under the default
    /// `hash_behaviour=replace`).
    public mutating func set(_ key: String, _ value: AnsibleValue, at origin: SourceLocation?) {
        values[key] = value
        origins[key] = origin
    }

    /// `combine_vars(self, other)`: other's top-level keys win.
    public func combined(with other: InventoryVariables) -> InventoryVariables {
        var result = self
        for (key, value) in other.values { result.set(key, value, at: other.origins[key]) }
        return result
    }
}
