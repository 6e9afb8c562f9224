/// The user's input cannot be used (a snapshot that is missing or corrupt, an unknown certificate
/// name, an unreachable host, no confirmation): exit code 2, and nothing was touched on any host.
public struct UnusableInput: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
