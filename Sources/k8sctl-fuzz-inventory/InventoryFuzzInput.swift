import K8sctlInventory

/// One fuzz input: the first byte picks the reader, the rest is the inventory text.
///
/// One target for every reader keeps one corpus: a YAML input that reached deep into the native
/// loader is often a good start for the Ansible YAML reader too, and libFuzzer mutates the selector
/// byte like any other.
enum InventoryFuzzInput {
    /// The readers, by selector byte modulo their count. The file name carries the extension
    /// because the Ansible reader picks its parser from it, as Ansible does.
    static let readers: [(file: String, load: @Sendable (String, String) -> Void)] = [
        ("cluster.yaml", { text, file in _ = InventoryLoader().load(text: text, file: file) }),
        ("hosts.ini", loadAnsible),
        ("hosts.yaml", loadAnsible),
        ("hosts", loadAnsible),  // no extension: YAML first, then INI, like Ansible's plugin order
    ]

    /// Feeds `bytes` to one reader. Invalid UTF-8 is repaired as the loaders' own file reading
    /// does (`String(decoding:as:)`), so the fuzzer still explores what follows a bad byte.
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let selector = bytes.first else { return }
        let reader = readers[Int(selector) % readers.count]
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes.dropFirst()), as: UTF8.self)
        reader.load(text, reader.file)
    }

    /// Tighter than `.standard` (25,000 hosts, 10^7 host variables): a 16 KB input can reach those,
    /// and resolving and importing that much takes well over libFuzzer's 10 s timeout under
    /// AddressSanitizer (25,000 hosts × 45 variables: 15 s) while exercising no code that 2,000
    /// hosts do not. The limit checks themselves run the same way at either size.
    static let limits = AnsibleInventoryLimits(hosts: 2_000, hostVariables: 200_000)

    /// The Ansible reader and then the Kubespray importer on what it resolved: the importer reads
    /// variables of every shape the reader can produce.
    @Sendable static func loadAnsible(_ text: String, _ file: String) {
        let (inventory, _) = AnsibleInventory.load(text: text, file: file, limits: limits)
        if let inventory {
            _ = KubesprayImporter().importCluster(from: inventory)
        }
    }
}
