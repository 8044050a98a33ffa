// swift-tools-version: 6.0
import PackageDescription

// MARK: - Products

let products: [Product] = [
    .library(name: "LSTMRuntime", targets: ["LSTMRuntime"]),
    .executable(name: "lstm", targets: ["lstm"]),
]

// MARK: - OpenCL binding and wrapper

let openCLTargets: [Target] = [
    .systemLibrary(
        name: "COpenCL",
        pkgConfig: "OpenCL",
        providers: [.apt(["ocl-icd-opencl-dev", "opencl-headers"])]
    ),
    .target(name: "OpenCLKit", dependencies: ["COpenCL"]),
]

// MARK: - Kernels embedded at build time

let kernelTargets: [Target] = [
    .executableTarget(name: "KernelEmbedder"),
    .plugin(
        name: "EmbedKernels",
        capability: .buildTool(),
        dependencies: ["KernelEmbedder"]
    ),
    .target(name: "LSTMKernels", plugins: ["EmbedKernels"]),
]

// MARK: - Model, formats, backends, engine

let runtimeTargets: [Target] = [
    .target(name: "LSTMCore"),
    .target(name: "LSTMFormats", dependencies: ["LSTMCore"]),
    .target(name: "LSTMONNX", dependencies: ["LSTMCore", "LSTMFormats"]),
    .target(name: "LSTMOpenCL", dependencies: ["LSTMCore", "OpenCLKit", "LSTMKernels"]),
    .target(
        name: "LSTMRuntime",
        dependencies: ["LSTMCore", "LSTMFormats", "LSTMOpenCL", "OpenCLKit"]
    ),
    .target(
        name: "LSTMBenchmarks",
        dependencies: ["LSTMRuntime"],
        path: "Benchmarks/LSTMBenchmarks"
    ),
    .executableTarget(
        name: "lstm-kernel-probe",
        dependencies: ["LSTMRuntime", "LSTMBenchmarks", "LSTMOpenCL"],
        path: "Benchmarks/KernelProbe"
    ),
    .executableTarget(
        name: "lstm",
        dependencies: [
            "LSTMRuntime",
            "LSTMBenchmarks",
            "LSTMONNX",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]
    ),
]

// MARK: - Tests

let testTargets: [Target] = [
    // Seeded inputs, result comparisons, temporary folders and the fixtures, shared by every test target.
    .target(name: "LSTMTestSupport", dependencies: ["LSTMCore", "LSTMFormats", "LSTMONNX"], path: "Tests/TestSupport"),
    .executableTarget(name: "LSTMSoak", dependencies: ["LSTMRuntime", "OpenCLKit"], path: "Tests/Soak"),
    .testTarget(name: "OpenCLKitTests", dependencies: ["OpenCLKit"]),
    .testTarget(name: "LSTMCoreTests", dependencies: ["LSTMCore", "LSTMTestSupport"]),
    .testTarget(name: "LSTMFormatsTests", dependencies: ["LSTMFormats", "LSTMTestSupport"], exclude: ["Corpus"]),
    .testTarget(name: "LSTMONNXTests", dependencies: ["LSTMONNX", "LSTMFormats", "LSTMCore", "LSTMTestSupport"], exclude: ["Corpus"]),
    .testTarget(name: "LSTMOpenCLTests", dependencies: ["LSTMRuntime", "LSTMOpenCL", "LSTMTestSupport"]),
    .testTarget(name: "LSTMRuntimeTests", dependencies: ["LSTMRuntime", "LSTMFormats", "LSTMONNX", "LSTMTestSupport"]),
    .testTarget(name: "CLITests", dependencies: ["LSTMFormats", "LSTMCore", "LSTMTestSupport"]),
]

let package = Package(
    name: "LSTMRuntime",
    products: products,
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: openCLTargets + kernelTargets + runtimeTargets + testTargets,
    swiftLanguageModes: [.v5]
)
