/// A position in an input file, 1-based, as editors and compilers print it.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// Where every value of a loaded inventory came from, keyed by its path in the document
/// (`spec.hosts[2].address`). Rules and loaders ask for a path and get the closest known
/// position: the value itself, or the nearest enclosing mapping when the value was defaulted.
public struct SourceMap: Sendable, Hashable, Codable {
    public var file: String
    public private(set) var positions: [String: SourceLocation]

    public init(file: String, positions: [String: SourceLocation] = [:]) {
        self.file = file
        self.positions = positions
    }

    public mutating func reserveCapacity(_ count: Int) { positions.reserveCapacity(count) }

    public mutating func record(_ path: String, _ location: SourceLocation) {
        positions[path] = location
    }

    /// The position of `path`, or of its nearest recorded ancestor, or the file's start.
    public func location(of path: String) -> SourceLocation {
        var current = Substring(path)
        while !current.isEmpty {
            if let found = positions[String(current)] { return found }
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            current = current[..<cut]
        }
        return positions[""] ?? SourceLocation(file: file, line: 1, column: 1)
    }

    /// Whether `path` itself (not an ancestor) was written in the file.
    public func contains(_ path: String) -> Bool { positions[path] != nil }
}
