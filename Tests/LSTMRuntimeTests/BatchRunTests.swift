// Batched runs (slices, length grouping, shards, several engines, streamed result files)
// must give bitwise the result of one engine's single pass over the whole batch.
import Foundation
import LSTMRuntime
import LSTMTestSupport
import Testing

@Suite("Batch slices, length grouping, shards and several engines")
struct BatchRunTests {
    static let configuration = LSTMConfiguration(
        inputSize: 5, hiddenSize: 19, projectionSize: 6, layerCount: 2, bidirectional: true, hasPeepholes: true)

    static func problem(steps: Int, batch: Int, seed: UInt64) throws -> ForwardProblem {
        try ForwardProblem(SeededInputs.inputWithLengths(configuration, steps: steps, batch: batch, seed: seed), configuration: configuration)
    }

    static func expectBitwise(_ got: ForwardResult, _ expected: ForwardResult, _ context: String,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        for (name, a, b) in [("output", got.output, expected.output), ("h_n", got.finalHidden, expected.finalHidden),
                             ("c_n", got.finalCell, expected.finalCell)] {
            let difference = OutputComparison.firstDifference(a, b)
            #expect(difference == nil, "\(context): \(name): \(difference ?? "")", sourceLocation: sourceLocation)
        }
    }

    @Test("runs of consecutive indices")
    func runs() {
        #expect(BatchSlice.runs(of: []) == [])
        #expect(BatchSlice.runs(of: [4]) == [4..<5])
        #expect(BatchSlice.runs(of: [0, 1, 2, 5, 6, 9]) == [0..<3, 5..<7, 9..<10])
    }

    @Test("length grouping covers every sequence once, and each slice runs its longest length")
    func groupingCoversEverything() {
        var generator = SeededGenerator(seed: 5)
        let lengths = (0..<300).map { _ in Int.random(in: 1...100, using: &generator) }
        for limit in [1, 7, 64, 300] {
            let slices = BatchSlicing.groupedByLength(20..<290, lengths: lengths, steps: 100, limit: limit)
            let covered = slices.flatMap(\.sequences).sorted()
            #expect(covered == Array(20..<290), "limit \(limit)")
            for slice in slices {
                #expect(slice.sequences.count <= limit)
                #expect(slice.sequences == slice.sequences.sorted())
                #expect(slice.steps == slice.sequences.map { lengths[$0] }.max())
            }
            #expect(slices.map(\.index) == Array(slices.indices))
            // Grouping saves padded work: far fewer sequence-steps than the full length.
            let work = slices.reduce(0) { $0 + $1.steps * $1.sequences.count }
            if limit >= 64 { #expect(work < 270 * 100 * 7 / 10, "limit \(limit): \(work) sequence-steps") }
        }
        let full = BatchSlicing.groupedByLength(0..<10, lengths: Array(repeating: 8, count: 10), steps: 8, limit: 4)
        #expect(full == BatchSlicing.contiguous(0..<10, steps: 8, limit: 4))
        #expect(full.map(\.sequences.count) == [4, 4, 2])
    }

    @Test("slices grouped by length are bitwise one pass", arguments: ["opencl", "cpu"])
    func groupedSlicesAreBitwiseOnePass(device: String) throws {
        if device == "opencl" { _ = try Device.first() }
        let selection = try DeviceSelection(parsing: device)
        let model = try LSTMModel.random(Self.configuration, seed: 41)
        let problem = try Self.problem(steps: 9, batch: 23, seed: 42)
        let engine = try LSTMEngine(model: model, device: selection, options: quietOptions)
        let whole = try engine.run(problem)
        for perSlice in [1, 3, 8, 23] {
            var seen: [Int] = []
            let got = try BatchRun.run(
                problem, engines: [engine], options: BatchRunOptions(sequencesPerSlice: perSlice), progress: { seen.append($0) })
            Self.expectBitwise(got, whole, "\(device), \(perSlice) per slice")
            #expect(seen.last == 23 && seen == seen.sorted(), "progress \(seen)")
        }
    }

    @Test("a GRU (no cell state) runs in slices on the CPU reference: bitwise one pass, no c_n")
    func gruWithoutCellState() throws {
        let gru = LSTMConfiguration(cell: .gru, inputSize: 4, hiddenSize: 7, layerCount: 2, bidirectional: true)
        let model = try LSTMModel.random(gru, seed: 51)
        let problem = try ForwardProblem(SeededInputs.inputWithLengths(gru, steps: 5, batch: 9, seed: 52), configuration: gru)
        #expect(problem.initialCell.isEmpty)
        let engine = try LSTMEngine(model: model, device: .cpu, options: quietOptions)
        let whole = try engine.run(problem)
        let got = try BatchRun.run(problem, engines: [engine], options: BatchRunOptions(sequencesPerSlice: 2))
        #expect(got.finalCell.isEmpty && whole.finalCell.isEmpty)
        Self.expectBitwise(got, whole, "GRU, 2 per slice")
    }

    @Test("shards concatenated along the batch are bitwise the whole run")
    func shardsJoinToWhole() throws {
        _ = try Device.first()
        let model = try LSTMModel.random(Self.configuration, seed: 43)
        let problem = try Self.problem(steps: 7, batch: 17, seed: 44)
        let engine = try LSTMEngine(model: model, device: .opencl(index: nil), options: quietOptions)
        let whole = try engine.run(problem)
        let shardCount = 3
        let ranges = (0..<shardCount).map { k in (k * 17 / shardCount)..<((k + 1) * 17 / shardCount) }
        let parts = try ranges.map { range in
            (range, try BatchRun.run(problem, engines: [engine], sequences: range, options: BatchRunOptions(sequencesPerSlice: 2)))
        }
        Self.expectBitwise(ForwardProblem.merging(parts, for: problem), whole, "3 shards")
    }

    @Test("several engines taking slices as they finish give bitwise one engine's result")
    func severalEngines() throws {
        let devices = try Device.all()
        _ = try Device.first()
        let model = try LSTMModel.random(Self.configuration, seed: 45)
        let problem = try Self.problem(steps: 8, batch: 29, seed: 46)
        let single = try LSTMEngine(model: model, device: .opencl(index: 0), options: quietOptions)
        let whole = try single.run(problem)
        // Every device of the kind of device 0 (two engines on device 0 when it is alone).
        let sameKind = devices.indices.filter { devices[$0].name == devices[0].name }
        let indices = sameKind.count > 1 ? sameKind : [0, 0]
        let engines = try indices.map { try LSTMEngine(model: model, device: .opencl(index: $0), options: quietOptions) }
        let got = try BatchRun.run(problem, engines: engines, options: BatchRunOptions(sequencesPerSlice: 2))
        Self.expectBitwise(got, whole, "\(engines.count) engines")
    }

    @Test("streamed result files are bitwise one pass, time-major and batch-first", arguments: [false, true])
    func streamedFiles(batchFirst: Bool) throws {
        _ = try Device.first()
        let model = try LSTMModel.random(Self.configuration, seed: 47)
        let problem = try Self.problem(steps: 6, batch: 13, seed: 48)
        let engine = try LSTMEngine(model: model, device: .opencl(index: nil), options: quietOptions)
        let expected = try engine.run(problem).shaped(for: problem, batchFirst: batchFirst)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("batch-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("x.npy")
        let sequence = try Tensor(shape: [6, 13, 5], values: problem.sequence)
        let stored = batchFirst
            ? try Tensor(shape: [13, 6, 5], values: ForwardProblem.swapLeadingAxes(problem.sequence, 6, 13, 5))
            : sequence
        try NumpyFile.write(stored, to: input)
        let mapped = try MappedNumpyArray(contentsOf: input)
        let states = Self.configuration.layerCount * Self.configuration.directionCount
        let inputs = try BatchInputs(
            configuration: Self.configuration, sequence: .mapped(mapped), shape: mapped.shape, batchFirst: batchFirst,
            initialHidden: (.memory(problem.initialHidden), [states, 13, Self.configuration.outputSize]),
            initialCell: (.memory(problem.initialCell), [states, 13, Self.configuration.hiddenSize]),
            lengths: problem.lengths)
        let urls = ["y", "hn", "cn"].map { folder.appendingPathComponent("\($0).npy") }
        let files = try NumpyResultFiles(
            configuration: Self.configuration, steps: 6, batch: 13, batchFirst: batchFirst,
            output: urls[0], finalHidden: urls[1], finalCell: urls[2])
        let scheduler = BatchScheduler(engines: [engine])
        let slices = BatchRun.plan(inputs, range: 0..<13, scheduler: scheduler, options: BatchRunOptions(sequencesPerSlice: 4))
        #expect(slices.count >= 4)
        try scheduler.run(slices, source: inputs, sink: files)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }.count == 3,
                "temporaries exist until commit")
        try files.commit()
        let got = try urls.map { try NumpyFile.readFloats(contentsOf: $0) }
        let expectedCell = try #require(expected.finalCell)
        for (name, a, b) in [("output", got[0], expected.output), ("h_n", got[1], expected.finalHidden),
                             ("c_n", got[2], expectedCell)] {
            #expect(a.shape == b.shape, "\(name) shape")
            let difference = OutputComparison.firstDifference(a.values, b.values)
            #expect(difference == nil, "\(name): \(difference ?? "")")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["cn.npy", "hn.npy", "x.npy", "y.npy"])
        #expect(!TemporaryFiles.registered.contains { $0.hasPrefix(folder.path) }, "committed files stay registered")
    }

    @Test("a failing slice stops the run with its error and the files are discarded")
    func failureStopsAndDiscards() throws {
        _ = try Device.first()
        final class FailingSource: BatchSource, @unchecked Sendable {
            let inner: BatchInputs
            init(_ inner: BatchInputs) { self.inner = inner }
            func problem(for slice: BatchSlice) throws -> ForwardProblem {
                guard slice.index < 2 else { throw ShapeError("planted failure at slice \(slice.index)") }
                return try inner.problem(for: slice)
            }
        }
        let model = try LSTMModel.random(Self.configuration, seed: 49)
        let problem = try Self.problem(steps: 5, batch: 12, seed: 50)
        let engine = try LSTMEngine(model: model, device: .opencl(index: nil), options: quietOptions)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("batch-fail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try NumpyResultFiles(
            configuration: Self.configuration, steps: 5, batch: 12, batchFirst: false,
            output: folder.appendingPathComponent("y.npy"), finalHidden: nil, finalCell: nil)
        let scheduler = BatchScheduler(engines: [engine, engine])
        let slices = BatchSlicing.contiguous(0..<12, steps: 5, limit: 2)
        #expect(throws: ShapeError.self) {
            try scheduler.run(slices, source: FailingSource(try BatchInputs(problem)), sink: files)
        }
        files.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
