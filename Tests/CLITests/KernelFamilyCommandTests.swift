// `--kernels` on bench and tune, and scripts/gpu-check.sh's own checks, as a user runs them.
import Foundation
import LSTMTestSupport
import Testing

@Suite("lstm --kernels and the GPU check script")
struct KernelFamilyCommandTests {
    @Test("bench times each family and names it in every JSON object")
    func benchNamesFamilies() throws {
        try requireOpenCLDevice()
        let result = try LSTMBinary.run([
            "bench", "--input-size", "8", "--hidden", "12", "--batch", "2", "--steps", "3", "--proj", "5",
            "--kernels", "cpu", "--kernels", "gpu", "--repeat", "1", "--warmup", "0", "--json",
        ])
        #expect(result.status == 0, "\(result)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]])
        #expect(rows.compactMap { $0["kernels"] as? String } == ["reference", "cpu", "gpu"], "\(rows)")
        #expect(rows.allSatisfy { $0["within_tolerance"] as? Bool == true }, "\(rows)")
    }

    @Test("an unknown family is a usage error")
    func unknownFamily() throws {
        let result = try LSTMBinary.run(["verify", "--kernels", "fpga"])
        #expect(result.status == 64, "\(result)")
        #expect(result.standardError.contains("auto, cpu or gpu"), "\(result)")
    }

    @Test("tune --kernels gpu stores the GPU family's best tuning")
    func tuneGPUFamily() throws {
        try requireOpenCLDevice()
        let cache = try TemporaryFolder()
        let result = try LSTMBinary.run(
            ["tune", "--input-size", "8", "--hidden", "16", "--batch", "2", "--steps", "3", "--repeat", "1", "--kernels", "gpu"],
            environment: ["LSTM_CACHE_DIR": cache.url.path])
        #expect(result.status == 0, "\(result)")
        #expect(result.standardOutput.contains("gpu kernels"), "\(result)")
        let stored = try Data(contentsOf: cache.file("gpu-tuning.json"))
        let entries = try #require(try JSONSerialization.jsonObject(with: stored) as? [String: [String: Any]])
        #expect(entries.values.contains { $0["batchTile"] != nil }, "\(entries)")
    }

    @Test("overhead measures every device")
    func overhead() throws {
        try requireOpenCLDevice()
        let result = try LSTMBinary.run(["overhead", "--launches", "50"])
        #expect(result.status == 0, "\(result)")
        #expect(result.standardOutput.contains("opencl:0"), "\(result)")
    }

    static let gpuCheckScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/gpu-check.sh").path

    @Test("gpu-check.sh parses and refuses a missing output folder argument")
    func gpuCheckScript() throws {
        let script = Self.gpuCheckScript
        for (arguments, expected) in [(["-n", script], Int32(0)), ([script], Int32(64))] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == expected, "bash \(arguments)")
        }
    }

    @Test("gpu-check.sh fails when its budget leaves steps out, and still packs its logs")
    func gpuCheckBudget() throws {
        let output = try TemporaryFolder()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.gpuCheckScript, "--local", output.url.path]
        var environment = ProcessInfo.processInfo.environment
        environment["GPU_CHECK_BUDGET"] = "0"
        environment["LSTM_BINARY"] = try LSTMBinary.locate().path
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        let steps = try String(contentsOf: output.file("logs/steps.txt"), encoding: .utf8)
        let skipped = steps.split(separator: "\n").filter { $0.contains("SKIPPED") }
        #expect(skipped.count >= 10 && skipped.first?.hasPrefix("devices") == true, "\(steps)")
        #expect(!steps.contains(" ok"), "\(steps)")
        #expect(FileManager.default.fileExists(atPath: output.file("logs.tar.gz").path))
    }
}
