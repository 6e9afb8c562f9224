import Foundation

// Built two ways (see scripts/fuzz and docs/hardening.md):
// - by scripts/fuzz with `-sanitize=fuzzer,address -DK8SCTL_LIBFUZZER`: libFuzzer's driver runs
//   LLVMFuzzerTestOneInput. SwiftPM links an executable target's entry point as
//   `<module>_main` (so tests can link the module), which keeps libFuzzer's own `main` out of the
//   link: that symbol hands over to the driver through LLVMFuzzerRunDriver instead;
// - by a plain `swift build`: a corpus replayer (`k8sctl-fuzz-inventory FILE|DIR…`) that runs every
//   input once, so a crash file from a fuzzing run reproduces without the sanitizer toolchain and
//   plain builds and CI never need the fuzzer runtime.
#if K8SCTL_LIBFUZZER
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInventory(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    InventoryFuzzInput.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

@_cdecl("k8sctl_fuzz_inventory_main")
public func fuzzDriverMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzInventory)
}
#else
@main
struct CorpusReplay {
    static func main() {
        var count = 0
        for argument in CommandLine.arguments.dropFirst() {
            for path in files(at: argument) {
                guard let data = FileManager.default.contents(atPath: path) else {
                    FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
                    exit(2)
                }
                data.withUnsafeBytes { raw in InventoryFuzzInput.run(raw.bindMemory(to: UInt8.self)) }
                count += 1
            }
        }
        print("replayed \(count) inputs")
    }

    static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { (path as NSString).appendingPathComponent($0) }
    }
}
#endif
