import Foundation

/// Plain-text tables and JSON for the `certs` commands. Columns are padded to their widest cell;
/// dates are ISO 8601 UTC in both forms so scripts and people read the same value.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    static func date(_ date: Date?) -> String {
        guard let date else { return "-" }
        return ISO8601DateFormatter().string(from: date)
    }

    static func json<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}

extension CertificateListing {
    /// One row per certificate: ID, node path, CN, O, SANs, expiry, status.
    public static func table(_ rows: [Row]) -> String {
        TextTable.render(
            header: ["CERTIFICATE", "PATH", "CN", "O", "SANS", "EXPIRES", "STATUS"],
            rows: rows.map { row in
                [row.id, row.path, row.commonName, row.organizations.isEmpty ? "-" : row.organizations.joined(separator: ","),
                 row.alternativeNames.isEmpty ? "-" : row.alternativeNames.joined(separator: ","),
                 TextTable.date(row.notAfter), row.status]
            })
    }

    /// `{"certificates": [...]}` with ISO 8601 dates.
    public static func json(_ rows: [Row]) throws -> String { try TextTable.json(["certificates": rows]) }
}

extension ExpirationCheck {
    /// One row per certificate; a HOST column first when the rows were read on hosts.
    public static func table(_ rows: [Row]) -> String {
        let withHost = rows.contains { $0.host != nil }
        return TextTable.render(
            header: (withHost ? ["HOST"] : []) + ["PATH", "CN", "CA", "EXPIRES", "RESIDUAL", "STATUS"],
            rows: rows.map { row in
                (withHost ? [row.host ?? "-"] : []) + [row.path, row.commonName, row.isAuthority ? "yes" : "no",
                                                        TextTable.date(row.notAfter), "\(row.residualDays)d", row.status.rawValue]
            })
    }

    public static func json(_ rows: [Row]) throws -> String { try TextTable.json(["certificates": rows]) }
}
