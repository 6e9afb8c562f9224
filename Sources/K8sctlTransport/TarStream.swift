/// A POSIX tar (ustar, with pax headers for long names) archive of regular files, built in memory:
/// how a host's files travel in one stream to one `tar -x` on the node, instead of one process per
/// file.
///
/// Only what the remote writer needs: regular files with name, mode, owner and group names, and
/// content. Owners go by name (`tar` maps them to the node's ids, like `chown NAME` does); the
/// numeric ids are 0 and the writer checks the result, so an account unknown on the node fails
/// instead of silently becoming root.
struct TarStream {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// The largest file the ustar size field holds (8 GiB − 1).
    static let maximumSize = 0o77777777777

    /// Appends one regular file.
    /// - Parameters:
    ///   - name: the member name, relative (no leading `/`), at most 4096 bytes.
    mutating func appendFile(name: String, content: [UInt8], mode: UInt16, owner: String, group: String) throws {
        guard content.count <= Self.maximumSize else {
            throw TransportError.invalidPath(path: "/" + name, reason: "larger than 8 GiB, the tar stream's limit")
        }
        let nameBytes = Array(name.utf8)
        var header: [UInt8]
        if let (prefix, shortName) = Self.ustarSplit(nameBytes) {
            header = Self.header(name: shortName, prefix: prefix, size: content.count, mode: mode,
                                 owner: owner, group: group, type: UInt8(ascii: "0"))
        } else {
            // Too long for ustar's 100 + 155 bytes: a pax extended header carries the full path.
            let record = Self.paxRecord(key: "path", value: nameBytes)
            bytes += Self.header(name: Array("PaxHeader/k8sctl".utf8), prefix: [], size: record.count, mode: 0o600,
                                 owner: "root", group: "root", type: UInt8(ascii: "x"))
            append(padded: record)
            header = Self.header(name: Array(nameBytes.suffix(99)), prefix: [], size: content.count, mode: mode,
                                 owner: owner, group: group, type: UInt8(ascii: "0"))
        }
        bytes += header
        append(padded: content)
    }

    /// Ends the archive (two zero blocks) and returns it.
    mutating func finish() -> [UInt8] {
        bytes += [UInt8](repeating: 0, count: 1024)
        return bytes
    }

    private mutating func append(padded data: [UInt8]) {
        bytes += data
        let remainder = data.count % 512
        if remainder != 0 { bytes += [UInt8](repeating: 0, count: 512 - remainder) }
    }

    /// `(prefix, name)` when the path fits ustar: name ≤ 100 bytes, prefix ≤ 155 bytes, split at a `/`.
    static func ustarSplit(_ path: [UInt8]) -> ([UInt8], [UInt8])? {
        if path.count <= 100 { return ([], path) }
        let slash = UInt8(ascii: "/")
        for index in path.indices where path[index] == slash {
            let prefix = Array(path[..<index]), name = Array(path[(index + 1)...])
            if prefix.count <= 155 && name.count <= 100 && !name.isEmpty { return (prefix, name) }
        }
        return nil
    }

    /// `"<length> key=value\n"`, where the length counts the whole record including itself.
    static func paxRecord(key: String, value: [UInt8]) -> [UInt8] {
        let body = Array(" \(key)=".utf8) + value + [UInt8(ascii: "\n")]
        var length = body.count + 1
        while String(length).utf8.count + body.count > length { length += 1 }
        return Array(String(length).utf8) + body
    }

    static func header(name: [UInt8], prefix: [UInt8], size: Int, mode: UInt16, owner: String, group: String,
                       type: UInt8) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ field: [UInt8], at offset: Int, width: Int) {
            for (index, byte) in field.prefix(width).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(name, at: 0, width: 100)
        put(octal(Int(mode & 0o7777), width: 8), at: 100, width: 8)
        put(octal(0, width: 8), at: 108, width: 8)            // uid: resolved from the owner name
        put(octal(0, width: 8), at: 116, width: 8)            // gid: resolved from the group name
        put(octal(size, width: 12), at: 124, width: 12)
        put(octal(0, width: 12), at: 136, width: 12)          // mtime: the writer extracts with -m
        put([UInt8](repeating: UInt8(ascii: " "), count: 8), at: 148, width: 8)
        block[156] = type
        put(Array("ustar\0".utf8), at: 257, width: 6)
        put(Array("00".utf8), at: 263, width: 2)
        put(Array(owner.utf8), at: 265, width: 31)
        put(Array(group.utf8), at: 297, width: 31)
        put(prefix, at: 345, width: 155)
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7) + [UInt8(ascii: " ")], at: 148, width: 8)
        return block
    }
}
