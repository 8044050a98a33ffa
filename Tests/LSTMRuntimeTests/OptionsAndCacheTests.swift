// Byte-count parsing for memory caps, and the tuning cache's round trip through its file.
import Foundation
import LSTMRuntime
import LSTMTestSupport
import Testing

@Suite("Engine options and the tuning cache")
struct OptionsAndCacheTests {
    @Test("byte counts parse with K, M and G suffixes", arguments: [
        ("1048576", 1_048_576), ("512K", 512 << 10), ("64m", 64 << 20), ("2G", 2 << 30), (" 7 ", 7),
    ])
    func byteCounts(text: String, bytes: Int) {
        #expect(EngineOptions.parseByteCount(text) == bytes)
    }

    @Test("bad byte counts are rejected", arguments: ["", "-1", "1.5G", "12Q", "K"])
    func badByteCounts(text: String) {
        #expect(EngineOptions.parseByteCount(text) == nil)
    }

    @Test("a stored tuning is found again by a fresh cache on the same file")
    func tuningRoundTrip() throws {
        let device = try Device.first()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lstm-tuning-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("tuning.json")
        let configuration = LSTMConfiguration(inputSize: 8, hiddenSize: 16, layerCount: 2)
        let tuning = KernelTuning(
            gemmRows: 2, stepRows: 1, stepTiles: 4, projectionRows: 4, gemmLocal: 8, stepLocal: 2, fuseInput: true,
            prefetchSlices: true)
        let single = KernelTuning(vectorWidth: 16, gemmRows: 6, wideBlocks: 3)
        try TuningCache(file: file).store(tuning, device: device, configuration: configuration, precision: .float32, batchClass: .large)
        try TuningCache(file: file).store(single, device: device, configuration: configuration, precision: .float32, batchClass: .single)

        let reloaded = TuningCache(file: file)
        #expect(reloaded.lookup(device: device, configuration: configuration, precision: .float32, batchClass: .large) == tuning)
        #expect(reloaded.lookup(device: device, configuration: configuration, precision: .float32, batchClass: .single) == single)
        #expect(reloaded.lookup(device: device, configuration: configuration, precision: .float32, batchClass: .small) == nil)
        #expect(reloaded.tunings(device: device, configuration: configuration, precision: .float32) == [.large: tuning, .single: single])
        #expect(reloaded.lookup(device: device, configuration: configuration, precision: .float16, batchClass: .large) == nil)
        var other = configuration
        other.hiddenSize = 17
        #expect(reloaded.lookup(device: device, configuration: other, precision: .float32, batchClass: .large) == nil)
    }

    @Test("a tuning stored before vector widths existed decodes at width 8")
    func legacyTuningDecodes() throws {
        let json = #"{"gemmRows": 2, "stepRows": 3, "projectionRows": 4, "gemmLocal": 8, "stepLocal": 2, "persistentRecurrence": true}"#
        let tuning = try JSONDecoder().decode(KernelTuning.self, from: Data(json.utf8))
        #expect(tuning == KernelTuning(vectorWidth: 8, gemmRows: 2, stepRows: 3, projectionRows: 4, gemmLocal: 8, stepLocal: 2))
    }

    @Test("an engine built with a tuning uses it and still matches the reference")
    func explicitTuning() throws {
        _ = try Device.first()
        let configuration = LSTMConfiguration(inputSize: 9, hiddenSize: 29, bidirectional: true)
        let tuning = KernelTuning(gemmRows: 4, stepRows: 3, projectionRows: 2, gemmLocal: 1, stepLocal: 8)
        let model = try LSTMModel.random(configuration, seed: 81)
        let input = SeededInputs.inputWithLengths(configuration, steps: 5, batch: 7, seed: 82)
        let engine = try LSTMEngine(model: model, device: .opencl(index: nil), options: EngineOptions(tuning: tuning, notice: { _ in }))
        #expect(engine.kernelTuning == tuning)
        let expected = try LSTMEngine(model: model, device: .cpu, options: quietOptions).forward(input)
        let comparison = OutputComparison.compare(try engine.forward(input), expected, tolerance: .float32)
        #expect(comparison.passed, "\(comparison)")
    }
}
