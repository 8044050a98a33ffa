// `lstm run` on batches cut into slices: over several devices, as shards joined with
// `lstm join`, with progress, and interrupted by signals (nothing may be left behind).
import Foundation
import LSTMTestSupport
import LSTMCore
import LSTMFormats
import Testing

@Suite("lstm run in batch slices: devices, shards, progress, signals")
struct BatchedRunTests {
    /// A model and input written into `folder`: model.safetensors, x.npy [T, B, I], h0, c0, lengths.
    static func writeCase(
        into folder: TemporaryFolder, configuration: LSTMConfiguration, steps: Int, batch: Int, seed: UInt64
    ) throws {
        let model = try LSTMModel.random(configuration, seed: seed)
        try SafeTensors.write(model.stateDict(), to: folder.file("model.safetensors"))
        var generator = SeededGenerator(seed: seed + 1)
        let states = configuration.layerCount * configuration.directionCount
        try NumpyFile.write(generator.tensor([steps, batch, configuration.inputSize]), to: folder.file("x.npy"))
        try NumpyFile.write(generator.tensor([states, batch, configuration.outputSize]), to: folder.file("h0.npy"))
        try NumpyFile.write(generator.tensor([states, batch, configuration.hiddenSize]), to: folder.file("c0.npy"))
        let lengths = (0..<batch).map { _ in Float(Int.random(in: 1...steps, using: &generator)) }
        // Lengths must be integers: an int64 .npy written by hand.
        var bytes = NumpyFile.encodeHeader(shape: [batch])
        let descr = Array("<f4".utf8)
        if let at = (0...(bytes.count - 3)).first(where: { Array(bytes[$0..<($0 + 3)]) == descr }) {
            bytes.replaceSubrange(at..<(at + 3), with: Array("<i8".utf8))
        }
        for length in lengths { withUnsafeBytes(of: Int64(length).littleEndian) { bytes += $0 } }
        try Data(bytes).write(to: folder.file("lengths.npy"))
    }

    static let configuration = LSTMConfiguration(
        inputSize: 6, hiddenSize: 24, projectionSize: 0, layerCount: 2, bidirectional: true, hasPeepholes: false)

    static func runArguments(_ folder: TemporaryFolder, prefix: String, extra: [String]) -> [String] {
        ["run", "--weights", folder.file("model.safetensors").path, "--input", folder.file("x.npy").path,
         "--h0", folder.file("h0.npy").path, "--c0", folder.file("c0.npy").path,
         "--lengths", folder.file("lengths.npy").path,
         "--output", folder.file("\(prefix)y.npy").path, "--h-n", folder.file("\(prefix)hn.npy").path,
         "--c-n", folder.file("\(prefix)cn.npy").path] + extra
    }

    static func expectSameFiles(_ folder: TemporaryFolder, _ a: String, _ b: String,
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        for name in ["y.npy", "hn.npy", "cn.npy"] {
            let left = try Data(contentsOf: folder.file(a + name))
            let right = try Data(contentsOf: folder.file(b + name))
            #expect(left == right, "\(a)\(name) and \(b)\(name) differ", sourceLocation: sourceLocation)
        }
    }

    @Test("two PoCL devices (--device all, and each named) give bitwise one device's files")
    func twoDevices() throws {
        try requireOpenCLDevice()
        let folder = try TemporaryFolder()
        try Self.writeCase(into: folder, configuration: Self.configuration, steps: 7, batch: 700, seed: 61)
        let environment = ["POCL_DEVICES": "pthread pthread"]
        let listing = try LSTMBinary.run(["devices"], environment: environment)
        #expect(listing.standardOutput.contains("opencl:1"), "\(listing)")
        let one = try LSTMBinary.run(Self.runArguments(folder, prefix: "one-", extra: ["--device", "opencl:0"]), environment: environment)
        #expect(one.status == 0, "\(one)")
        let all = try LSTMBinary.run(Self.runArguments(folder, prefix: "all-", extra: ["--device", "all"]), environment: environment)
        #expect(all.status == 0, "\(all)")
        #expect(all.standardError.contains("opencl:0") && all.standardError.contains("opencl:1"), "\(all)")
        let named = try LSTMBinary.run(
            Self.runArguments(folder, prefix: "named-", extra: ["--device", "opencl:1", "--device", "opencl:0"]),
            environment: environment)
        #expect(named.status == 0, "\(named)")
        try Self.expectSameFiles(folder, "one-", "all-")
        try Self.expectSameFiles(folder, "one-", "named-")
    }

    @Test("PoCL beside Oclgrind: every output within tolerance of the CPU reference",
          .enabled(if: FileManager.default.fileExists(atPath: "/usr/lib/oclgrind/liboclgrind-rt-icd.so")))
    func poclBesideOclgrind() throws {
        try requireOpenCLDevice()
        let folder = try TemporaryFolder()
        let vendors = folder.file("vendors")
        try FileManager.default.createDirectory(at: vendors, withIntermediateDirectories: true)
        try "/usr/lib/oclgrind/liboclgrind-rt-icd.so\n".write(to: vendors.appendingPathComponent("oclgrind.icd"), atomically: true, encoding: .utf8)
        let pocl = try String(contentsOfFile: "/etc/OpenCL/vendors/pocl.icd", encoding: .utf8)
        try pocl.write(to: vendors.appendingPathComponent("pocl.icd"), atomically: true, encoding: .utf8)
        let small = LSTMConfiguration(inputSize: 4, hiddenSize: 8, projectionSize: 0, layerCount: 1, bidirectional: false, hasPeepholes: false)
        try Self.writeCase(into: folder, configuration: small, steps: 3, batch: 600, seed: 63)
        let environment = ["OCL_ICD_VENDORS": vendors.path]
        let listing = try LSTMBinary.run(["devices"], environment: environment)
        #expect(listing.standardOutput.contains("Oclgrind") && listing.standardOutput.contains("opencl:1"), "\(listing)")
        let mixed = try LSTMBinary.run(Self.runArguments(folder, prefix: "mixed-", extra: ["--device", "all"]), environment: environment)
        #expect(mixed.status == 0, "\(mixed)")
        #expect(mixed.standardError.contains("Oclgrind"), "\(mixed)")
        let reference = try LSTMBinary.run(Self.runArguments(folder, prefix: "cpu-", extra: ["--device", "cpu"]))
        #expect(reference.status == 0, "\(reference)")
        for name in ["y.npy", "hn.npy", "cn.npy"] {
            let comparison = TensorComparison(
                try NumpyFile.readFloats(contentsOf: folder.file("mixed-" + name)),
                try NumpyFile.readFloats(contentsOf: folder.file("cpu-" + name)), tolerance: .float32)
            #expect(comparison.passed, "\(name): \(comparison)")
        }
    }

    @Test("shards joined with lstm join are bitwise the one-process run", arguments: [false, true])
    func shardsJoin(batchFirst: Bool) throws {
        try requireOpenCLDevice()
        let folder = try TemporaryFolder()
        try Self.writeCase(into: folder, configuration: Self.configuration, steps: 6, batch: 11, seed: 65)
        if batchFirst {
            let x = try NumpyFile.readFloats(contentsOf: folder.file("x.npy"))
            try NumpyFile.write(
                try Tensor(shape: [11, 6, 6], values: ForwardProblem.swapLeadingAxes(x.values, 6, 11, 6)), to: folder.file("x.npy"))
        }
        let layout = batchFirst ? ["--batch-first"] : []
        let whole = try LSTMBinary.run(Self.runArguments(folder, prefix: "whole-", extra: layout))
        #expect(whole.status == 0, "\(whole)")
        let count = 4
        for k in 0..<count {
            let shard = try LSTMBinary.run(Self.runArguments(folder, prefix: "s\(k)-", extra: layout + ["--shard", "\(k)/\(count)"]))
            #expect(shard.status == 0, "\(shard)")
            let y = try NumpyFile.readFloats(contentsOf: folder.file("s\(k)-y.npy"))
            let expectedBatch = (k + 1) * 11 / count - k * 11 / count
            #expect(y.shape == (batchFirst ? [expectedBatch, 6, 48] : [6, expectedBatch, 48]))
        }
        for (name, axis) in [("y.npy", batchFirst ? 0 : 1), ("hn.npy", 1), ("cn.npy", 1)] {
            let joined = try LSTMBinary.run(
                ["join", "--output", folder.file("joined-" + name).path, "--axis", "\(axis)"]
                    + (0..<count).map { folder.file("s\($0)-" + name).path })
            #expect(joined.status == 0, "\(joined)")
        }
        try Self.expectSameFiles(folder, "whole-", "joined-")
    }

    @Test("more shards than sequences: empty slices, and the join is still the whole run")
    func moreShardsThanSequences() throws {
        let folder = try TemporaryFolder()
        try Self.writeCase(into: folder, configuration: Self.configuration, steps: 2, batch: 3, seed: 73)
        let whole = try LSTMBinary.run(Self.runArguments(folder, prefix: "whole-", extra: ["--device", "cpu"]))
        #expect(whole.status == 0, "\(whole)")
        let count = 5
        for k in 0..<count {
            let shard = try LSTMBinary.run(Self.runArguments(folder, prefix: "s\(k)-", extra: ["--device", "cpu", "--shard", "\(k)/\(count)"]))
            #expect(shard.status == 0, "\(shard)")
        }
        #expect(try NumpyFile.readFloats(contentsOf: folder.file("s0-y.npy")).shape == [2, 0, 48])
        for name in ["y.npy", "hn.npy", "cn.npy"] {
            let joined = try LSTMBinary.run(
                ["join", "--output", folder.file("joined-" + name).path] + (0..<count).map { folder.file("s\($0)-" + name).path })
            #expect(joined.status == 0, "\(joined)")
        }
        try Self.expectSameFiles(folder, "whole-", "joined-")
    }

    @Test("bad shards and mismatched joins are clear errors")
    func badShardsAndJoins() throws {
        let folder = try TemporaryFolder()
        try Self.writeCase(into: folder, configuration: Self.configuration, steps: 2, batch: 3, seed: 67)
        for bad in ["3/3", "-1/2", "1", "a/b", "0/0"] {
            let result = try LSTMBinary.run(Self.runArguments(folder, prefix: "", extra: ["--shard", bad, "--device", "cpu"]))
            #expect(result.status == 64 && result.standardError.contains("shard"), "\(bad): \(result)")
        }
        let join = try LSTMBinary.run(
            ["join", "--output", folder.file("j.npy").path, folder.file("x.npy").path, folder.file("h0.npy").path])
        #expect(join.status == 1 && join.standardError.contains("cannot join"), "\(join)")
        #expect(!(try folder.contents()).contains("j.npy"))
    }

    @Test("--progress always draws sequences, rate, elapsed and remaining; auto and never draw nothing off a terminal")
    func progress() throws {
        let folder = try TemporaryFolder()
        try Self.writeCase(into: folder, configuration: Self.configuration, steps: 3, batch: 5, seed: 69)
        let always = try LSTMBinary.run(Self.runArguments(folder, prefix: "", extra: ["--device", "cpu", "--progress", "always"]))
        #expect(always.status == 0, "\(always)")
        #expect(always.standardError.contains("5/5 sequences") && always.standardError.contains("/s")
                && always.standardError.contains("elapsed") && always.standardError.contains("remaining"), "\(always)")
        for mode in ["auto", "never"] {
            let quiet = try LSTMBinary.run(Self.runArguments(folder, prefix: "", extra: ["--device", "cpu", "--progress", mode]))
            #expect(quiet.status == 0 && !quiet.standardError.contains("sequences "), "\(mode): \(quiet)")
        }
    }

    @Test("SIGINT or SIGTERM during a run leaves no file behind", arguments: [SIGINT, SIGTERM])
    func signalLeavesNothing(signalNumber: Int32) throws {
        try requireOpenCLDevice()
        let folder = try TemporaryFolder()
        // Big enough to run for seconds, so the signal lands mid-run.
        let large = LSTMConfiguration(inputSize: 8, hiddenSize: 512, projectionSize: 0, layerCount: 1, bidirectional: false, hasPeepholes: false)
        try Self.writeCase(into: folder, configuration: large, steps: 200, batch: 2000, seed: 71)
        let before = try folder.contents()
        let process = Process()
        process.executableURL = try LSTMBinary.locate()
        process.arguments = ["run", "--weights", folder.file("model.safetensors").path, "--input", folder.file("x.npy").path,
                             "--output", folder.file("y.npy").path, "--h-n", folder.file("hn.npy").path, "--device", "opencl"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning, !(try folder.contents()).contains(where: { $0.hasPrefix(".y.npy.tmp-") }) {
            Thread.sleep(forTimeInterval: 0.01)
        }
        Thread.sleep(forTimeInterval: 0.2)
        #expect(process.isRunning, "the run ended before the signal; it must take longer for this test to mean anything")
        kill(process.processIdentifier, signalNumber)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signalNumber,
                "exit \(process.terminationStatus) (\(process.terminationReason == .exit ? "exit" : "signal"))")
        let after = try folder.contents()
        #expect(after == before, "left behind: \(Set(after).subtracting(before))")
    }
}
