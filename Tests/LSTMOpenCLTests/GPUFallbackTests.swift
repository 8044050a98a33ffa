// The persistent GPU recurrence's fallback: wherever in a pass a grid barrier times out
// (first or last launch, a later layer or window, the gate or the projection phase), the
// pass rerun with the per-step kernels gives bitwise the results of a pass that never tried
// the persistent kernel. The timeout is forced with GPUKernelTuning.forcedGiveUp.
import LSTMCore
import LSTMOpenCL
import OpenCLKit
import Testing

@Suite("GPU kernel family, persistent fallback")
struct GPUFallbackTests {
    /// 2 layers x 2 directions x 3 windows (2, 2 and 1 steps) = 12 persistent launches, with
    /// projection: two phases per step.
    static let testCase = ReferenceCase(
        LSTMConfiguration(inputSize: 5, hiddenSize: 24, projectionSize: 5, layerCount: 2, bidirectional: true),
        steps: 5, batch: 3, lengths: true, states: true)

    /// (launch, phase). Launches count layer, then window, then direction; the waits of a
    /// launch are for phase 1 (step 0's projection), 2 (step 1's gates), 3 (step 1's
    /// projection). So: the first wait of the pass; step 1's gates in layer 0, window 1,
    /// reverse; step 1's projection in layer 1, window 0, forward; the only wait of the last
    /// launch (layer 1, the one-step window, reverse).
    static let points = [(0, 1), (3, 2), (6, 3), (11, 1)]

    @Test("a timeout anywhere in the pass falls back with the per-step bits", arguments: points.indices)
    func anywhere(pointIndex: Int) throws {
        let (launch, phase) = Self.points[pointIndex]
        let (model, problem) = try Self.testCase.make(seed: 1400)
        let perStep = try GPUFamilyTests.backend(model, GPUKernelTuning(persistent: false), windowSteps: 2).run(problem)
        let tuning = GPUKernelTuning(persistentMaxBatch: 64, forcedGiveUp: .init(launch: launch, phase: phase))
        let forced = try GPUFamilyTests.backend(model, tuning, windowSteps: 2)
        let got = try forced.run(problem)
        #expect(forced.persistentFallbacks == 1, "launch \(launch) phase \(phase): the forced timeout did not happen")
        #expect(GPUFamilyTests.bits(got) == GPUFamilyTests.bits(perStep), "launch \(launch) phase \(phase)")
        // A second pass on the same backend times out again and falls back again.
        #expect(GPUFamilyTests.bits(try forced.run(problem)) == GPUFamilyTests.bits(perStep))
        #expect(forced.persistentFallbacks == 2)
        let comparison = try GPUFamilyTests.compare(got, try CPUReference(model: model).run(problem), .float32)
        #expect(comparison.passed, "\(comparison)")
    }

    @Test("a wait the pass never reaches forces nothing: the persistent pass stands, with the same bits")
    func unreachedPoint() throws {
        let (model, problem) = try Self.testCase.make(seed: 1401)
        let perStep = try GPUFamilyTests.backend(model, GPUKernelTuning(persistent: false), windowSteps: 2).run(problem)
        // Launch 12 does not exist; launch 11 (one step) has no wait for phase 2. One group:
        // its waits cannot time out for real on a loaded machine, so no fallback is expected.
        for point in [GPUKernelTuning.ForcedGiveUp(launch: 12, phase: 1), .init(launch: 11, phase: 2)] {
            let tuning = GPUKernelTuning(persistentMaxBatch: 64, persistentGroups: 1, forcedGiveUp: point)
            let backend = try GPUFamilyTests.backend(model, tuning, windowSteps: 2)
            #expect(GPUFamilyTests.bits(try backend.run(problem)) == GPUFamilyTests.bits(perStep))
            #expect(backend.persistentFallbacks == 0, "\(point)")
        }
    }
}
