import Foundation

/// Reads `FactsScript`'s output into `HostFacts`.
enum FactsParser {
    static func parse(_ output: String) -> HostFacts {
        var facts = HostFacts()
        var section = ""
        var sawHealth = false
        var unitBlock: [String: String] = [:]
        func endUnitBlock() {
            defer { unitBlock = [:] }
            guard let id = unitBlock["Id"], !id.isEmpty else { return }
            let enabled = unitBlock["LoadState"] == "not-found" ? "not-found" : (unitBlock["UnitFileState"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown")
            facts.units[id] = UnitState(active: unitBlock["ActiveState"] ?? "unknown", enabled: enabled)
        }
        for rawLine in output.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            if line.isEmpty && section != "units-show" { continue }
            if line.hasPrefix("@@") {
                if section == "units-show" { endUnitBlock() }
                section = String(line.dropFirst(2))
                if section == "etcd-members" { facts.etcdMembers = [] }
                continue
            }
            switch section {
            case "":
                guard let equals = line.firstIndex(of: "=") else { continue }
                let key = line[..<equals], value = String(line[line.index(after: equals)...])
                switch key {
                case "os_id": facts.osID = value
                case "os_version": facts.osVersion = value
                case "arch": facts.architecture = value
                case "kernel": facts.kernel = value
                case "hostname": facts.hostname = value
                case "clock": facts.clock = Int(value) ?? 0
                case "swap": facts.swapActive = value == "on"
                case "systemd": facts.systemdRunning = value == "yes"
                default: break
                }
            case "files":
                // `sha256sum` lines: `HASH  PATH`; a name with a backslash or newline is escaped and
                // the line starts with `\`.
                var text = Substring(line)
                let escaped = text.hasPrefix("\\")
                if escaped { text = text.dropFirst() }
                guard text.count > 66 else { continue }
                let hash = String(text.prefix(64))
                var name = String(text.dropFirst(66))
                if escaped { name = name.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\\\", with: "\\") }
                facts.fileChecksums[name] = hash
            case "file-metadata":
                // `MODE OWNER GROUP PATH` (`stat -c '%a %U %G %n'`).
                let parts = line.split(separator: " ", maxSplits: 3)
                if parts.count == 4 { facts.fileMetadata[String(parts[3])] = parts[0..<3].joined(separator: " ") }
            case "units-show":
                if line.isEmpty { endUnitBlock(); continue }
                if let equals = line.firstIndex(of: "=") {
                    unitBlock[String(line[..<equals])] = String(line[line.index(after: equals)...])
                }
            case "units":
                let parts = line.split(separator: " ", maxSplits: 2)
                if parts.count == 3 { facts.units[String(parts[2])] = UnitState(active: String(parts[0]), enabled: String(parts[1])) }
            case "versions":
                let parts = line.split(separator: " ", maxSplits: 1)
                if parts.count == 2, let version = firstVersion(in: String(parts[1])) {
                    facts.componentVersions[String(parts[0])] = version
                }
            case "etcd-members":
                // `ID, status, name, peerURLs…, clientURLs…[, isLearner]`. etcdctl joins several URLs
                // of one kind with the same ", " as the fields, so the URL list is split in half: k8sctl
                // renders one peer and one client URL per member, which makes that exact.
                var fields = line.components(separatedBy: ", ").map { $0.trimmingCharacters(in: .whitespaces) }
                guard fields.count >= 4 else { continue }
                var learner = false
                if let last = fields.last, last == "true" || last == "false" {
                    learner = last == "true"
                    fields.removeLast()
                }
                let urls = Array(fields.dropFirst(3))
                let half = (urls.count + 1) / 2
                facts.etcdMembers?.append(EtcdMemberFact(
                    id: fields[0], name: fields[2], peerURLs: Array(urls.prefix(half)),
                    clientURLs: Array(urls.dropFirst(half)), isLearner: learner))
            case "etcd-health":
                sawHealth = true
                facts.etcdHealthy = line == "healthy"
            default:
                break
            }
        }
        if section == "units-show" { endUnitBlock() }
        if !sawHealth { facts.etcdHealthy = nil }
        return facts
    }

    /// The first `x.y.z` in a `--version` line (`etcd Version: 3.4.23`, `Kubernetes v1.31.4`).
    static func firstVersion(in text: String) -> String? {
        var current = ""
        var best: String?
        for character in text + " " {
            if character.isNumber || character == "." {
                current.append(character)
            } else {
                if current.split(separator: ".").count >= 3 { best = current; break }
                current = ""
            }
        }
        return best.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 }
    }
}
