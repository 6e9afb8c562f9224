@testable import K8sctlInventory
import Testing

/// INI value typing (Python's literal_eval), INI host-line splitting (shlex), host ranges and
/// YAML 1.1 scalars, each checked against what ansible-inventory produced for the same text.
@Suite struct AnsibleValueParsingTests {
    @Test(arguments: [
        ("42", AnsibleValue.int(42)), ("-7", .int(-7)), ("2.50", .float(2.5)), ("1e3", .float(1000)),
        ("0xff", .int(255)), ("0b101", .int(5)), ("0o17", .int(15)), ("1_000", .int(1000)), ("00", .int(0)),
        ("True", .bool(true)), ("False", .bool(false)), ("None", .null),
        ("'x y'", .string("x y")), ("\"quoted\"", .string("quoted")), ("'a' 'b'", .string("ab")),
        ("r'\\d+'", .string("\\d+")), ("'tab\\there'", .string("tab\there")),
        ("[1, 'two', 3.0]", .list([.int(1), .string("two"), .float(3)])), ("(1, 2)", .list([.int(1), .int(2)])),
        ("1, 2", .list([.int(1), .int(2)])), ("1,", .list([.int(1)])), ("b'x'", .unsafe("x")),
        ("1j", .string("1j")), ("-2.5j", .string("(-0-2.5j)")), ("'\\N{BULLET}'", .string("•")),
        ("(1)", .int(1)), ("{3}", .list([.int(3)])), ("[]", .list([])), ("1 # comment", .int(1)),
        ("{'a': {'b': [1]}, 2: None}", .mapping(AnsibleMapping([("a", .mapping(AnsibleMapping([("b", .list([.int(1)]))]))), ("2", .null)]))),
    ])
    func literalEval_typesPythonLiterals(text: String, expected: AnsibleValue) {
        #expect(PythonLiteral.evaluate(text) == expected)
    }

    @Test(arguments: ["yes", "true", "010", "foo # comment", "{k:1}", "1 + 1", "--1", "f'x'", "'unterminated", "[1,", "1 + 2j", "x=y", ""])
    func literalEval_refusesWhatPythonRefuses_soTheTextIsKept(text: String) {
        #expect(PythonLiteral.evaluate(text) == nil)
        #expect(INIInventoryParser.typedValue(text) == .string(text))
    }

    @Test(arguments: [
        ("h1 a=1 b='x y'", ["h1", "a=1", "b=x y"]),
        ("h1 m=foo#bar c=2", ["h1", "m=foo"]),
        ("h1 d=\"a \\\"q\\\" b\" e=a\\ b", ["h1", "d=a \"q\" b", "e=a b"]),
        ("h1 empty='' x", ["h1", "empty=", "x"]),
    ])
    func shellWords_splitHostLinesLikeShlex(line: String, expected: [String]) throws {
        #expect(try ShellWords.split(line) == expected)
    }

    @Test func shellWords_unclosedQuote_isAnError() {
        #expect(throws: ShellWords.Failure.self) { try ShellWords.split("h1 a='open") }
    }

    @Test(arguments: [
        ("node[01:03]", ["node01", "node02", "node03"], nil as Int?),
        ("web[1:10:4].example.com", ["web1.example.com", "web5.example.com", "web9.example.com"], nil),
        ("db-[a:c]", ["db-a", "db-b", "db-c"], nil),
        ("r[a:b]-n[1:2]", ["ra-n1", "ra-n2", "rb-n1", "rb-n2"], nil),
        ("step[00:10:5]", ["step00", "step05", "step10"], nil),
        ("web[1:2]:2222", ["web1", "web2"], 2222),
        ("10.1.0.[1:2]", ["10.1.0.1", "10.1.0.2"], nil),
        ("192.168.0.9:2200", ["192.168.0.9"], 2200),
        ("[2001:db8::1]:2222", ["2001:db8::1"], 2222),
        ("2001:db8::1", ["2001:db8::1"], nil),
        ("h[:2]", ["h0", "h1", "h2"], nil),
    ])
    func hostPattern_expandsRangesAndSplitsThePort(pattern: String, names: [String], port: Int?) throws {
        let parsed = try HostPattern(pattern)
        #expect(parsed.hostnames == names)
        #expect(parsed.port == port)
    }

    @Test(arguments: ["h[01:3]", "h[1:]", "h[1:2:3:4]", "host:", "h[0:99999999]", "h[b:a]"])
    func hostPattern_badRanges_areErrors(pattern: String) {
        #expect(throws: HostPattern.Failure.self) { try HostPattern(pattern) }
    }

    /// Several ranges whose product passes the limit are refused before anything is expanded (the
    /// fuzzer's hang built 100,000 long names first); the count agrees with the expansion.
    @Test func hostPattern_rangesMultiplyingPastTheLimit_areRefusedBeforeExpanding() throws {
        let pattern = "n[1:1000]-" + String(repeating: "x", count: 500) + "[a:z][0:9]"
        #expect(HostPattern.expansionCount(pattern) == 260_000)
        #expect {
            try HostPattern(pattern)
        } throws: { error in
            (error as? HostPattern.Failure)?.message.contains("expands to more than 25000 hosts") == true
        }
        let expanded = try HostPattern("r[a:b]-n[1:9:4]").hostnames.count
        #expect(HostPattern.expansionCount("r[a:b]-n[1:9:4]") == expanded)
        #expect(HostPattern.expansionCount("h[1:]") == nil)
    }

    @Test(arguments: [
        ("yes", AnsibleValue.bool(true)), ("Off", .bool(false)), ("1e3", .string("1e3")), ("1.0e+3", .float(1000)),
        ("0o17", .string("0o17")), ("017", .int(15)), ("0x1f", .int(31)), ("1_000", .int(1000)), ("190:20:30", .int(685230)),
        ("12:30", .int(750)), ("~", .null), ("", .null), ("2024-01-02", .string("2024-01-02")), (".inf", .float(.infinity)),
        ("1.", .float(1)), (".5", .float(0.5)),
        ("2001-12-14 21:59:43.10 -5", .string("2001-12-14T21:59:43.100000-05:00")), ("2001-12-15T02:59:43.1Z", .string("2001-12-15T02:59:43.100000+00:00")),
        ("2024-1-2", .string("2024-1-2")), ("08", .string("08")), ("on", .bool(true)), ("y", .string("y")),
    ])
    func yamlPlainScalars_resolveAsPyYAMLDoes(text: String, expected: AnsibleValue) {
        #expect(YAMLValueReader.resolvePlain(text) == expected)
    }

    @Test func yamlAliasBomb_isRefusedWithAPosition() throws {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for level in 1...7 {
            let name = "l\(level)"
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        // 10^8 nodes: refused by the event pass before composing, with the position of the anchor
        // that went over the budget.
        let reader = YAMLValueReader(file: "bomb.yml")
        #expect {
            _ = try reader.compose(text)
        } throws: { error in
            guard let failure = error as? YAMLValueReader.Failure else { return false }
            return failure.message.contains("refusing to expand") && failure.location?.file == "bomb.yml"
        }
    }

    @Test func jsonWriter_roundTripsThroughTheReader() throws {
        let value = AnsibleValue.mapping(AnsibleMapping([
            ("z", .list([.int(1), .float(2.5), .bool(true), .null])), ("a", .string("é \"q\" \n 🙂")),
            ("u", .unsafe("{{ x }}")), ("inf", .float(-.infinity)), ("empty", .mapping(AnsibleMapping())),
        ]))
        let text = AnsibleJSONWriter().text(for: value)
        #expect(try AnsibleJSONReader().value(from: text) == value)
        #expect(text.contains("\"__ansible_unsafe\": \"{{ x }}\""))
        #expect(text.firstRange(of: "\"a\"")!.lowerBound < text.firstRange(of: "\"z\"")!.lowerBound, "keys are sorted")
    }

    @Test func valueEquality_keepsIntsFloatsAndBoolsApart() {
        #expect(AnsibleValue.int(1) != .float(1))
        #expect(AnsibleValue.int(1) != .bool(true))
        #expect(AnsibleValue.string("1") != .int(1))
    }
}
