import K8sctlTestSupport
import Testing
@testable import K8sctlTransport

struct ShellQuotingTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("/etc/kubernetes/pki/ca.crt", "/etc/kubernetes/pki/ca.crt"),
        ("", "''"),
        ("a b", "'a b'"),
        ("it's", "'it'\\''s'"),
        ("$(reboot)", "'$(reboot)'"),
        ("a;b|c&d", "'a;b|c&d'"),
        ("line\nbreak", "'line\nbreak'"),
    ])
    func quote_producesOneLiteralWord(input: String, expected: String) {
        #expect(ShellQuoting.quote(input) == expected)
    }

    @Test func sudo_wrapsArgvWithNonInteractiveSudo() {
        let command = RemoteCommand(["systemctl", "restart", "kubelet"]).becoming(.sudo)
        #expect(command.arguments == ["sudo", "-n", "--", "systemctl", "restart", "kubelet"])
        #expect(command.shellText == "sudo -n -- systemctl restart kubelet")
    }

    @Test func noBecome_leavesCommandUnchanged() {
        let command = RemoteCommand(["true"])
        #expect(command.becoming(.none) == command)
    }

    @Test func quotedText_isReadBackBySh_asTheSameArguments() throws {
        let tricky = ["; rm -rf /tmp/x", "$(id)", "`id`", "a|b", "x&y", ">out", "<in", "new\nline", "'single'", "\"double\"",
                      "ünïcødé ✓", "back\\slash", "*", "~", "#comment", ""]
        let command = RemoteCommand(["printf", "[%s]"] + tricky)
        let output = try ProcessRunner.run("/bin/sh", ["-c", command.shellText]).stdout
        #expect(output == tricky.map { "[\($0)]" }.joined())
    }
}

