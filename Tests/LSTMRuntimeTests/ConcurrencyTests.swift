// One engine shared by 8 concurrent tasks, each with its own input (and batch size), gives
// the results that serial use gives.
import LSTMRuntime
import LSTMTestSupport
import Testing

@Suite("Concurrent use of one engine")
struct ConcurrencyTests {
    static let configuration = LSTMConfiguration(inputSize: 7, hiddenSize: 21, projectionSize: 5, layerCount: 2, bidirectional: true)

    @Test("8 concurrent tasks match serial runs", arguments: ["cpu", "opencl"])
    func concurrentMatchesSerial(device: String) async throws {
        let selection = try DeviceSelection(parsing: device)
        if selection != .cpu { _ = try Device.first() }
        let model = try LSTMModel.random(Self.configuration, seed: 51)
        let engine = try LSTMEngine(model: model, device: selection, options: quietOptions)
        // Different batch sizes and lengths make the OpenCL backend reallocate its workspace between calls.
        let inputs = (0..<8).map { index in
            SeededInputs.inputWithLengths(Self.configuration, steps: 3 + index % 3, batch: 1 + index, seed: 600 + UInt64(index))
        }
        let serial = try inputs.map { try engine.forward($0) }

        let concurrent = try await withThrowingTaskGroup(of: (Int, LSTMOutput).self) { group in
            for (index, input) in inputs.enumerated() {
                group.addTask { (index, try engine.forward(input)) }
            }
            var results = [LSTMOutput?](repeating: nil, count: inputs.count)
            for try await (index, output) in group { results[index] = output }
            return results
        }
        for index in inputs.indices {
            let got = try #require(concurrent[index])
            expectBitwiseEqual(got, serial[index], "task \(index)")
        }
    }
}
