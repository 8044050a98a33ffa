// `lstm devices`, `verify`, `bench` and `tune` as a user runs them.
import Foundation
import LSTMTestSupport
import Testing

@Suite("lstm devices, verify, bench and tune")
struct ToolCommandTests {
    @Test("devices lists the OpenCL device and the CPU reference")
    func devices() throws {
        try requireOpenCLDevice()
        let result = try LSTMBinary.run(["devices"])
        #expect(result.status == 0, "\(result)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("opencl:0") }, "\(result)")
        #expect(lines.contains { $0.hasPrefix("cpu") && $0.contains("CPU reference") }, "\(result)")
    }

    @Test("verify passes every case")
    func verify() throws {
        try requireOpenCLDevice()
        let result = try LSTMBinary.run(["verify"])
        #expect(result.status == 0, "\(result)")
        #expect(result.standardOutput.contains("PASS"), "\(result)")
        #expect(!result.standardOutput.contains("FAIL"), "\(result)")
        #expect(result.standardOutput.contains("cases passed"), "\(result)")
        // Every kernel family on the device by default.
        #expect(result.standardOutput.contains("(cpu kernels)"), "\(result)")
        #expect(result.standardOutput.contains("(gpu kernels)"), "\(result)")
    }

    @Test("bench --stream --json times one-frame feeds and checks them bitwise", arguments: ["lstm", "gru"])
    func benchStream(cell: String) throws {
        try requireOpenCLDevice()
        let result = try LSTMBinary.run([
            "bench", "--stream", "--json", "--cell", cell, "--input-size", "16", "--hidden", "24", "--batch", "1",
            "--steps", "6", "--layers", "2", "--repeat", "2", "--device", "opencl",
        ])
        #expect(result.status == 0, "\(result)")
        let rows = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]]
        let row = try #require(rows?.first, "\(result)")
        #expect(row["bitwise_equal"] as? Bool == true)
        #expect(row["cell"] as? String == cell)
        for key in ["frame_median_ms", "frame_p99_ms", "one_shot_per_step_ms", "ratio"] {
            #expect((row[key] as? Double).map { $0 > 0 } == true, "\(key) in \(row)")
        }
    }

    @Test("verify refuses the CPU reference")
    func verifyCPU() throws {
        let result = try LSTMBinary.run(["verify", "--device", "cpu"])
        #expect(result.status != 0, "\(result)")
        #expect(result.standardError.contains("nothing to verify"), "\(result)")
    }

    @Test("bench --json reports every device with the documented keys")
    func benchJSON() throws {
        try requireOpenCLDevice()
        let result = try LSTMBinary.run([
            "bench", "--input-size", "16", "--hidden", "24", "--batch", "3", "--steps", "5", "--layers", "2",
            "--bidirectional", "--repeat", "2", "--warmup", "1", "--json",
        ])
        #expect(result.status == 0, "\(result)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]])
        #expect(rows.count == 2, "\(rows)")
        for key in ["device", "median_ms", "min_ms", "gflops", "max_abs_error"] {
            #expect(rows.allSatisfy { $0[key] != nil }, "missing \(key)")
        }
        #expect(rows.first?["device"] as? String == "cpu-reference")
        let openCL = try #require(rows.first { ($0["device"] as? String)?.hasPrefix("opencl:0") == true })
        #expect((openCL["max_abs_error"] as? Double).map { $0 < 1e-4 } == true, "\(openCL)")
        #expect((openCL["median_ms"] as? Double).map { $0 > 0 } == true, "\(openCL)")
    }

    @Test("bench rejects half-given sizes")
    func benchPartialSizes() throws {
        let result = try LSTMBinary.run(["bench", "--hidden", "8"])
        #expect(result.status == 64, "\(result)")
        #expect(result.standardError.contains("--input-size"), "\(result)")
    }

    @Test("tune stores its best tuning in the cache folder")
    func tune() throws {
        try requireOpenCLDevice()
        let cache = try TemporaryFolder()
        let result = try LSTMBinary.run(
            ["tune", "--input-size", "8", "--hidden", "16", "--batch", "4", "--steps", "3", "--repeat", "1"],
            environment: ["LSTM_CACHE_DIR": cache.url.path])
        #expect(result.status == 0, "\(result)")
        #expect(result.standardOutput.contains("best"), "\(result)")
        let stored = try Data(contentsOf: cache.file("tuning.json"))
        let entries = try #require(try JSONSerialization.jsonObject(with: stored) as? [String: Any])
        #expect(entries.keys.contains { $0.contains("I8-H16-P0-L1-D1-peep0|f32|batch-small") }, "\(entries.keys)")
        let tunings = try #require(entries.values.first as? [String: Any])
        #expect([8, 16].contains(tunings["vectorWidth"] as? Int ?? 0), "\(tunings)")
        #expect(result.standardOutput.contains("vec=8") && result.standardOutput.contains("vec=16"), "\(result)")
        #expect(result.standardOutput.contains("stepTiles=") && result.standardOutput.contains("gemmTiles="), "\(result)")
        #expect(result.standardOutput.contains("tileGates=2") && result.standardOutput.contains("tileGates=1"), "\(result)")
    }

    @Test("tune at batch 1 stores under the single-sequence class and tries batch-1 tiles")
    func tuneBatchOne() throws {
        try requireOpenCLDevice()
        let cache = try TemporaryFolder()
        let result = try LSTMBinary.run(
            ["tune", "--input-size", "8", "--hidden", "40", "--batch", "1", "--steps", "3", "--repeat", "1"],
            environment: ["LSTM_CACHE_DIR": cache.url.path])
        #expect(result.status == 0, "\(result)")
        #expect(result.standardOutput.contains("wideBlocks="), "\(result)")
        let stored = try Data(contentsOf: cache.file("tuning.json"))
        let entries = try #require(try JSONSerialization.jsonObject(with: stored) as? [String: Any])
        #expect(entries.keys.contains { $0.hasSuffix("|batch-single") }, "\(entries.keys)")
    }

    @Test("verify refuses a vector width the kernels do not have")
    func verifyBadWidth() throws {
        let result = try LSTMBinary.run(["verify", "--vector-width", "12"])
        #expect(result.status == 64, "\(result)")
        #expect(result.standardError.contains("--vector-width"), "\(result)")
    }
}
