/// A variable value as Ansible holds it after parsing: the JSON-compatible subset of Python values
/// that inventories, `group_vars/` and `host_vars/` produce.
///
/// Mappings keep their keys in source order (Ansible's dicts do too); equality ignores that order,
/// as JSON object equality does. Integers and floats stay distinct because Ansible keeps them
/// distinct (`1` and `1.0` print differently in `ansible-inventory --list`).
public indirect enum AnsibleValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    /// A YAML `!unsafe` string: never templated; `--list` prints it as `{"__ansible_unsafe": …}`.
    case unsafe(String)
    case list([AnsibleValue])
    case mapping(AnsibleMapping)

    /// The string, for `.string` and `.unsafe` values.
    public var stringValue: String? {
        switch self {
        case .string(let text), .unsafe(let text): text
        default: nil
        }
    }

    /// Python's truthiness as Ansible's `bool` filter and `ansible_become` read it for scalars.
    public var boolValue: Bool? {
        switch self {
        case .bool(let flag): return flag
        case .int(let number): return number != 0
        case .string(let text), .unsafe(let text):
            switch text.lowercased() {
            case "yes", "on", "true", "1", "y", "t": return true
            case "no", "off", "false", "0", "n", "f", "": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// The integer, for ints and for strings that are plain decimal integers.
    public var intValue: Int? {
        switch self {
        case .int(let number): number
        case .string(let text), .unsafe(let text): Int(text.trimmingCharactersInSet(" "))
        case .float(let number) where number == number.rounded() && abs(number) < 1e15: Int(number)
        default: nil
        }
    }

    public var mappingValue: AnsibleMapping? {
        if case .mapping(let mapping) = self { return mapping }
        return nil
    }

    public var listValue: [AnsibleValue]? {
        if case .list(let items) = self { return items }
        return nil
    }

    /// Compact JSON text of the value (for messages).
    public var description: String { AnsibleJSONWriter(indent: nil).text(for: self) }

    public static func == (lhs: AnsibleValue, rhs: AnsibleValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.float(a), .float(b)): return a == b || (a.isNaN && b.isNaN)
        case let (.string(a), .string(b)): return a == b
        case let (.unsafe(a), .unsafe(b)): return a == b
        case let (.list(a), .list(b)): return a == b
        case let (.mapping(a), .mapping(b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let flag): hasher.combine(flag)
        case .int(let number): hasher.combine(number)
        case .float(let number): hasher.combine(number)
        case .string(let text): hasher.combine(text)
        case .unsafe(let text): hasher.combine(1); hasher.combine(text)
        case .list(let items): hasher.combine(items)
        case .mapping(let mapping): hasher.combine(mapping.count)
        }
    }
}

/// An insertion-ordered string-keyed mapping, as Python 3 dicts behave.
public struct AnsibleMapping: Sendable, Hashable, Sequence {
    public private(set) var keys: [String] = []
    private var storage: [String: AnsibleValue] = [:]

    public init() {}

    public init(_ pairs: [(String, AnsibleValue)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public subscript(key: String) -> AnsibleValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public func makeIterator() -> AnyIterator<(key: String, value: AnsibleValue)> {
        var index = 0
        return AnyIterator {
            guard index < keys.count else { return nil }
            defer { index += 1 }
            return (keys[index], storage[keys[index]]!)
        }
    }

    /// `combine_vars` with Ansible's default `hash_behaviour=replace`: top-level keys of `other`
    /// replace ours wholesale (nested mappings are not merged). A replaced key keeps its position,
    /// as `dict | dict` does in Python.
    public func replacing(with other: AnsibleMapping) -> AnsibleMapping {
        var result = self
        for (key, value) in other { result[key] = value }
        return result
    }

    public static func == (lhs: AnsibleMapping, rhs: AnsibleMapping) -> Bool {
        lhs.storage == rhs.storage
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(storage) }
}

extension String {
    fileprivate func trimmingCharactersInSet(_ set: Character) -> Substring {
        var slice = Substring(self)
        while slice.first == set { slice = slice.dropFirst() }
        while slice.last == set { slice = slice.dropLast() }
        return slice
    }
}
