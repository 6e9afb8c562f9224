import Testing
@testable import K8sctlExecutor

/// systemd reloads once per set of unit-file changes on a host, not once (or twice) per unit step.
@Suite struct UnitReloadTests {
    @Test func ledger_asksForAReloadOnlyAfterAUnitFileChangedSinceTheLastOne() async {
        let ledger = ChangeLedger()
        #expect(await !ledger.unitFilesChangedSinceReload(host: "a"))
        await ledger.record(host: "a", paths: ["/etc/containerd/config.toml"])
        #expect(await !ledger.unitFilesChangedSinceReload(host: "a"))
        await ledger.record(host: "a", paths: ["/etc/systemd/system/containerd.service", "/usr/local/bin/containerd"])
        #expect(await ledger.unitFilesChangedSinceReload(host: "a"))
        #expect(await !ledger.unitFilesChangedSinceReload(host: "b"))
        await ledger.recordReload(host: "a")
        // The next unit step (kubelet) after containerd's reload, with no unit file written since: none.
        #expect(await !ledger.unitFilesChangedSinceReload(host: "a"))
        await ledger.record(host: "a", paths: ["/etc/systemd/system/kubelet.service.d/10-k8sctl.conf"])
        #expect(await ledger.unitFilesChangedSinceReload(host: "a"))
        // What a unit step reads for its restart decision is unchanged: every path written in the run.
        #expect(await ledger.paths(host: "a").contains("/etc/systemd/system/containerd.service"))
    }

    @Test func script_enablesWithoutItsOwnReload_andReloadsOnlyAUnitSystemdHasLoaded() {
        let script = UnitStep.script
        #expect(script.contains("systemctl enable --no-reload"))
        #expect(script.components(separatedBy: "daemon-reload").count - 1 == 2)  // the command and its "did" line
        // The loaded check (which does not load the unit, as `show` would) comes before the reload.
        let check = script.range(of: "systemctl list-units --all")!, reload = script.range(of: "must systemctl daemon-reload")!
        #expect(check.lowerBound < reload.lowerBound)
    }
}
