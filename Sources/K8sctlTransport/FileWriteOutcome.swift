/// What ``RemoteHost/writeFiles(_:backupDirectory:directoryMode:)`` did to one file.
public struct FileWriteOutcome: Sendable, Hashable {
    public enum Change: String, Sendable, Hashable, Codable {
        /// Content, mode and owner already as requested: nothing was written.
        case unchanged
        /// Content already as requested; mode or owner were corrected in place.
        case metadataChanged = "metadata"
        /// The file did not exist and was created.
        case created
        /// The file existed with other content and was atomically replaced.
        case replaced
    }

    public var path: String
    public var change: Change
    /// Where the replaced file was copied (`<backupDirectory><path>`), when a backup was asked for.
    public var backupPath: String?

    public init(path: String, change: Change, backupPath: String? = nil) {
        self.path = path
        self.change = change
        self.backupPath = backupPath
    }

    /// Anything on the host changed (reported `changed` rather than `ok`).
    public var isChanged: Bool { change != .unchanged }
}
