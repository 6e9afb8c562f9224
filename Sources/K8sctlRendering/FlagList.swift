/// A component's command-line flags as a typed list, kubeadm-style: the renderer's defaults, then
/// the user's extraArgs merged last (a user value replaces a default of the same name). The output
/// is sorted by flag name so the same inventory always renders the same bytes.
public struct FlagList: Sendable, Hashable {
    public private(set) var values: [String: String]

    public init(_ values: [String: String] = [:]) { self.values = values }

    public subscript(name: String) -> String? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// Overrides and additions from the inventory; names may be written with or without `--`.
    public func merging(extraArgs: [String: String]) -> FlagList {
        var merged = values
        for (name, value) in extraArgs {
            var key = Substring(name)
            while key.hasPrefix("-") { key = key.dropFirst() }
            merged[String(key)] = value
        }
        return FlagList(merged)
    }

    /// `--name=value` for every flag, sorted by name.
    public var arguments: [String] {
        values.keys.sorted().map { "--\($0)=\(values[$0]!)" }
    }
}
