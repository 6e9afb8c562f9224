import K8sctlTransport
import Testing
@testable import K8sctlExecutor

/// The applied state is two files written in one batched write; the writer renames directory by
/// directory in the order given (`BatchedWriteTests.writerKilledAfterItsFirstRename_…`). A writer
/// killed between the renames must never leave a `state.json` naming a revision whose inventory
/// file is missing: the revision file goes first, so such a host holds the old state (or none) and
/// the next apply records the state there again (`StateStore.pullNoting`).
struct StateStoreWriteOrderTests {
    @Test func theRevisionFile_isRenamedIntoPlace_beforeTheState() {
        let state = AppliedState(cluster: "order", revision: 7, k8sctlVersion: "test", inventory: "hosts: []\n", files: [:], completed: true)
        #expect(StateStore.files(of: state).map(\.path) == [AppliedState.revisionPath(7), AppliedState.statePath])
    }
}
