// The on-disk program cache: a second build with the same key skips the compiler and the
// loaded program computes what the fresh one does; damaged entries fall back to a source build.
import Foundation
import LSTMCore
import LSTMOpenCL
import LSTMTestSupport
import OpenCLKit
import Testing

@Suite("Program cache")
struct ProgramCacheTests {
    /// Options no other test builds with, so PoCL's own cache cannot make this vacuous.
    static let options = "-D GEMM_ROWS=2 -D STEP_ROWS=2 -D PROJ_ROWS=2 -D WEIGHT_HALF=0 -D HAS_PEEPHOLES=0 -D HAS_PROJECTION=0"

    @Test("a second build with the same key loads from disk and computes the same")
    func secondBuildLoadsFromDisk() throws {
        try withTemporaryFolder { folder in
            let context = try Context(device: try Device.first())
            let source = try ProgramCache.combinedSource()
            let first = try ProgramCache.programWithOrigin(context: context, source: source, options: Self.options, directory: folder)
            #expect(first.origin == .source)
            let file = ProgramCache.cacheFile(in: folder, device: context.device, source: source, options: Self.options)
            #expect(FileManager.default.fileExists(atPath: file.path))

            let second = try ProgramCache.programWithOrigin(context: context, source: source, options: Self.options, directory: folder)
            #expect(second.origin == .diskCache)
            let fresh = try Self.smallProjection(first.program)
            let cached = try Self.smallProjection(second.program)
            #expect(cached == fresh)
            #expect(!fresh.isEmpty && fresh.allSatisfy { $0.isFinite })
        }
    }

    @Test("different options or sources get different cache files")
    func keyCoversOptionsAndSource() throws {
        let device = try Device.first()
        let folder = URL(fileURLWithPath: "/tmp/unused")
        let base = ProgramCache.cacheFile(in: folder, device: device, source: "a", options: "-D X=1")
        #expect(base != ProgramCache.cacheFile(in: folder, device: device, source: "a", options: "-D X=2"))
        #expect(base != ProgramCache.cacheFile(in: folder, device: device, source: "b", options: "-D X=1"))
    }

    @Test("a damaged cache file falls back to a source build and is replaced",
          arguments: ["garbage", "truncated", "empty", "flipped"])
    func damagedEntryFallsBack(damage: String) throws {
        try withTemporaryFolder { folder in
            let context = try Context(device: try Device.first())
            let source = try ProgramCache.combinedSource()
            _ = try ProgramCache.programWithOrigin(context: context, source: source, options: Self.options, directory: folder)
            let file = ProgramCache.cacheFile(in: folder, device: context.device, source: source, options: Self.options)
            var bytes = [UInt8](try Data(contentsOf: file))
            switch damage {
            case "garbage": bytes = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
            case "truncated": bytes = Array(bytes.prefix(bytes.count / 2))
            case "empty": bytes = []
            default: bytes[bytes.count - 100] ^= 0x5a
            }
            try Data(bytes).write(to: file)

            let rebuilt = try ProgramCache.programWithOrigin(context: context, source: source, options: Self.options, directory: folder)
            #expect(rebuilt.origin == .source)
            #expect(try !Self.smallProjection(rebuilt.program).isEmpty)
            let reloaded = try ProgramCache.programWithOrigin(context: context, source: source, options: Self.options, directory: folder)
            #expect(reloaded.origin == .diskCache)
        }
    }

    /// Runs `input_projection` on 3 steps of one 4-feature sequence and one block of 8 units;
    /// returns G [3][32].
    static func smallProjection(_ program: Program) throws -> [Float] {
        let context = program.context
        let queue = try CommandQueue(context: context)
        var random = SeededGenerator(seed: 9)
        let (rows, inputSize) = (3, 4)
        let x = random.uniform(rows * inputSize)
        let weights = WeightPacking.packGateWeights(random.uniform(32 * inputSize), gateCount: 4, hiddenSize: 8, inputSize: inputSize)
        let bias = random.uniform(32)
        func buffer(_ values: [Float]) throws -> Buffer {
            let buffer = try Buffer(context: context, byteCount: values.count * 4)
            try queue.write(values, to: buffer)
            return buffer
        }
        // Kernel arguments do not retain buffers: keep them alive until the read is done.
        let (input, packed, biases) = (try buffer(x), try buffer(weights), try buffer(bias))
        let lengths = try Buffer(context: context, byteCount: 4)
        try queue.write([Int32(rows)], to: lengths)
        let gates = try Buffer(context: context, byteCount: rows * 32 * 4)
        let kernel = try program.kernel(named: "input_projection")
        try kernel.setArguments([
            .buffer(input), .int(Int32(rows)), .int(Int32(inputSize)), .int(Int32(inputSize)),
            .buffer(packed), .buffer(biases), .buffer(gates), .int(1), .int(1),
            .buffer(lengths), .int(0), .int(0),
        ])
        try queue.enqueue(kernel, global: [2, 1], local: [1, 1])
        let result = try queue.readFloats(gates, count: rows * 32)
        withExtendedLifetime((input, packed, biases, lengths)) {}
        return result
    }

    private func withTemporaryFolder(_ body: (URL) throws -> Void) throws {
        let folder = try TemporaryFolder(prefix: "lstm-cache-test")
        try body(folder.url)
    }
}
