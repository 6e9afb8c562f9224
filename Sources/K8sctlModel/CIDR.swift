/// An address block such as `10.244.0.0/16`. The address is normalised to the network address.
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])),
              parts[1].allSatisfy(\.isNumber), let prefix = Int(parts[1]),
              prefix >= 0, prefix <= address.bytes.count * 8 else { return nil }
        self.init(address: address, prefixLength: prefix)
    }

    public init(address: IPAddress, prefixLength: Int) {
        var masked = address.bytes
        for index in masked.indices {
            let bitsBefore = index * 8
            if bitsBefore >= prefixLength {
                masked[index] = 0
            } else if bitsBefore + 8 > prefixLength {
                masked[index] &= UInt8(0xff << (8 - (prefixLength - bitsBefore)) & 0xff)
            }
        }
        self.network = IPAddress(bytes: masked)!
        self.prefixLength = prefixLength
    }

    public var isIPv4: Bool { network.isIPv4 }
    public var addressBits: Int { network.bytes.count * 8 }

    /// log2 of the number of addresses in the block.
    public var hostBits: Int { addressBits - prefixLength }

    /// Number of addresses, saturating at `UInt64.max` for huge IPv6 blocks.
    public var size: UInt64 { hostBits >= 64 ? UInt64.max : UInt64(1) << UInt64(hostBits) }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        return CIDR(address: address, prefixLength: prefixLength).network == network
    }

    public func overlaps(_ other: CIDR) -> Bool {
        guard isIPv4 == other.isIPv4 else { return false }
        return contains(other.network) || other.contains(network)
    }

    /// The `n`th address of the block (0 is the network address), nil when out of range.
    public func address(at offset: UInt64) -> IPAddress? {
        guard offset < size else { return nil }
        return network.advanced(by: offset)
    }

    public var description: String { "\(network)/\(prefixLength)" }
}

extension CIDR: Codable {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = CIDR(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a CIDR: \(text)"))
        }
        self = parsed
    }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
