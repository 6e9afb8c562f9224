// swift-tools-version: 6.1
// k8sctl — declarative Kubernetes cluster lifecycle installer.
//
// Module layering (imports run one way, see README "Architecture"):
//   K8sctlCLI → K8sctlExecutor → K8sctlPlanning → K8sctlValidation → K8sctlModel
//   K8sctlPlanning → K8sctlRendering, K8sctlPKI → K8sctlModel
//   K8sctlInventory (loading/import) → K8sctlModel
//   K8sctlExecutor → K8sctlTransport → CLibSSH2 (the only importer of the C module)
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "k8sctl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "k8sctl", targets: ["k8sctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-certificates", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1", exact: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
    ],
    targets: [
        // Domain model: Sendable value types, no I/O.
        .target(name: "K8sctlModel", swiftSettings: strict),
        // Native inventory loading (YAML with positions, alias budget) and Kubespray/Ansible import.
        .target(name: "K8sctlInventory",
                dependencies: ["K8sctlModel", .product(name: "Yams", package: "Yams")],
                swiftSettings: strict),
        // Static validation rules (catalog as data) and pipeline output formats.
        .target(name: "K8sctlValidation", dependencies: ["K8sctlModel"], swiftSettings: strict),
        // Certificate catalog and issuing (kubeadm layout).
        .target(name: "K8sctlPKI",
                dependencies: [
                    "K8sctlModel",
                    .product(name: "X509", package: "swift-certificates"),
                    .product(name: "Crypto", package: "swift-crypto"),
                    .product(name: "_CryptoExtras", package: "swift-crypto"),
                    .product(name: "SwiftASN1", package: "swift-asn1"),
                ],
                swiftSettings: strict),
        // templates/ + typed context → files; every YAML output parsed back.
        .target(name: "K8sctlRendering",
                dependencies: [
                    "K8sctlModel",
                    .product(name: "Mustache", package: "swift-mustache"),
                    .product(name: "Yams", package: "Yams"),
                ],
                swiftSettings: strict),
        // playbooks/ loading, the task graph (DAG) and the rollout planner. Pure, no I/O on hosts.
        .target(name: "K8sctlPlanning",
                dependencies: ["K8sctlModel", "K8sctlValidation", "K8sctlRendering",
                               .product(name: "Yams", package: "Yams"),
                               .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: strict),
        // libssh2 through a system-library target; only K8sctlTransport imports it.
        .systemLibrary(name: "CLibSSH2", pkgConfig: "libssh2", providers: [.apt(["libssh2-1-dev"])]),
        .target(name: "K8sctlTransport",
                dependencies: ["CLibSSH2", "K8sctlModel", .product(name: "Logging", package: "swift-log"),
                               .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: strict),
        // Runs plans over transports: the only code that touches hosts.
        .target(name: "K8sctlExecutor",
                dependencies: ["K8sctlPlanning", "K8sctlTransport", "K8sctlPKI", "K8sctlRendering", "K8sctlInventory",
                               .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "Logging", package: "swift-log")],
                swiftSettings: strict),
        // Commands: parse flags, call one function of the core, print.
        .target(name: "K8sctlCLI",
                dependencies: ["K8sctlModel", "K8sctlInventory", "K8sctlValidation", "K8sctlPKI",
                               "K8sctlRendering", "K8sctlPlanning", "K8sctlExecutor",
                               .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: strict),
        .executableTarget(name: "k8sctl", dependencies: ["K8sctlCLI"], swiftSettings: strict),
        // libFuzzer target for the inventory readers (scripts/fuzz builds it with -sanitize=fuzzer);
        // a plain build makes it a corpus replayer, so it never needs the fuzzer runtime.
        .executableTarget(name: "k8sctl-fuzz-inventory", dependencies: ["K8sctlInventory"], swiftSettings: strict),

        // Shared test support: fixture paths, process runner, test-node harness, API stand-ins.
        .target(name: "K8sctlTestSupport",
                dependencies: ["K8sctlModel", "K8sctlInventory"],
                path: "Tests/K8sctlTestSupport", swiftSettings: strict),
        .testTarget(name: "K8sctlModelTests", dependencies: ["K8sctlModel"], swiftSettings: strict),
        .testTarget(name: "K8sctlInventoryTests",
                    dependencies: ["K8sctlInventory", "K8sctlTestSupport"], swiftSettings: strict),
        .testTarget(name: "K8sctlValidationTests",
                    dependencies: ["K8sctlValidation", "K8sctlInventory", "K8sctlTestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "K8sctlPKITests",
                    dependencies: ["K8sctlPKI", "K8sctlInventory", "K8sctlTestSupport"], swiftSettings: strict),
        .testTarget(name: "K8sctlRenderingTests",
                    dependencies: ["K8sctlRendering", "K8sctlInventory", "K8sctlPKI", "K8sctlTestSupport",
                                   .product(name: "Yams", package: "Yams")],
                    swiftSettings: strict),
        .testTarget(name: "K8sctlPlanningTests",
                    dependencies: ["K8sctlPlanning", "K8sctlInventory", "K8sctlTestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "K8sctlTransportTests",
                    dependencies: ["K8sctlTransport", "K8sctlTestSupport"], swiftSettings: strict),
        .testTarget(name: "K8sctlExecutorTests",
                    dependencies: ["K8sctlExecutor", "K8sctlInventory", "K8sctlTestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "K8sctlCLITests",
                    dependencies: ["K8sctlCLI", "K8sctlTestSupport"], swiftSettings: strict),
    ]
)
