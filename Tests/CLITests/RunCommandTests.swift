// `lstm run` end to end: every fixture on the CPU reference and on OpenCL, written files
// compared with the expected ones; and the CPU fallback when no OpenCL platform exists.
import Foundation
import LSTMTestSupport
import LSTMCore
import LSTMFormats
import Testing

@Suite("lstm run on the fixtures")
struct RunCommandTests {
    @Test("fixtures exist")
    func fixturesPresent() {
        #expect(CLIFixture.names.count >= 11, "found \(CLIFixture.names)")
    }

    @Test("run --device cpu reproduces the fixture", arguments: CLIFixture.names)
    func cpu(name: String) throws {
        try check(CLIFixture(name: name), device: "cpu")
    }

    @Test("run --device opencl reproduces the fixture", arguments: CLIFixture.names)
    func openCL(name: String) throws {
        try requireOpenCLDevice()
        try check(CLIFixture(name: name), device: "opencl")
    }

    private func check(_ fixture: CLIFixture, device: String) throws {
        let folder = try TemporaryFolder()
        let result = try LSTMBinary.run(fixture.runArguments(device: device, into: folder))
        try #require(result.status == 0, "\(result)")
        let comparison = try fixture.compareOutputs(in: folder, tolerance: .external)
        #expect(comparison.passed, "\(fixture.name) on \(device): \(comparison)")
        #expect(result.standardError.contains(device == "cpu" ? "cpu-reference" : "opencl:0"), "\(result)")
    }

    @Test("with no OpenCL platform, --device opencl fails and --device auto falls back to the CPU")
    func noPlatform() throws {
        let vendors = try TemporaryFolder()
        let environment = ["OCL_ICD_VENDORS": vendors.url.path]
        let fixture = CLIFixture(name: "torch-stacked-bidirectional-projection")

        let folder = try TemporaryFolder()
        let failed = try LSTMBinary.run(fixture.runArguments(device: "opencl", into: folder), environment: environment)
        #expect(failed.status == 1, "\(failed)")
        #expect(failed.standardError.contains("no OpenCL device"), "\(failed)")
        #expect(try folder.contents().isEmpty, "a failed run left files behind")

        let fallback = try LSTMBinary.run(fixture.runArguments(device: "auto", into: folder), environment: environment)
        try #require(fallback.status == 0, "\(fallback)")
        #expect(fallback.standardError.contains("notice:"), "\(fallback)")
        #expect(fallback.standardError.contains("CPU reference"), "\(fallback)")
        let comparison = try fixture.compareOutputs(in: folder, tolerance: .external)
        #expect(comparison.passed, "\(comparison)")

        let devices = try LSTMBinary.run(["devices"], environment: environment)
        #expect(devices.status == 0, "\(devices)")
        #expect(devices.standardOutput.contains("No OpenCL platform"), "\(devices)")
        #expect(devices.standardOutput.contains("CPU reference"), "\(devices)")
    }

    @Test("a NaN input gives NaN outputs, not an error")
    func nanPropagates() throws {
        let fixture = CLIFixture(name: "numpy-basic")
        let folder = try TemporaryFolder()
        var input = try NumpyFile.readFloats(contentsOf: fixture.base.appendingPathComponent("input.npy"))
        input.values = input.values.map { _ in Float.nan }
        try NumpyFile.write(input, to: folder.file("nan.npy"))
        let result = try LSTMBinary.run([
            "run", "--weights", fixture.path("model.safetensors"), "--input", folder.file("nan.npy").path,
            "--output", folder.file("out.npy").path, "--device", "cpu",
        ])
        try #require(result.status == 0, "\(result)")
        let output = try NumpyFile.readFloats(contentsOf: folder.file("out.npy"))
        #expect(!output.values.isEmpty && output.values.allSatisfy { $0.isNaN })
    }
}
