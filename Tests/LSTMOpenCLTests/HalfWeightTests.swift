// Half-precision weight storage (fp32 arithmetic) against the fp32-weight CPU reference:
// every variant within Tolerance.float16Weights, and the batch-1 benchmark shape within
// the 2e-3 the product promises for it.
import LSTMCore
import LSTMOpenCL
import Testing

@Suite("f16 weights against the fp32 reference")
struct HalfWeightTests {
    @Test("every variant is within the f16 tolerance", arguments: ReferenceCase.all.indices)
    func everyVariant(caseIndex: Int) throws {
        let testCase = ReferenceCase.all[caseIndex]
        let (model, problem) = try testCase.make(seed: 200 + UInt64(caseIndex))
        let expected = try CPUReference(model: model).run(problem)
        let comparison = try ReferenceCase.run(model, problem, precision: .float16, against: expected, tolerance: .float16Weights)
        #expect(comparison.passed, "\(testCase): \(comparison)")
    }

    @Test("(I, H, B, T) = (512, 512, 1, 100): max abs error at most 2e-3")
    func benchmarkShape() throws {
        let testCase = ReferenceCase(LSTMConfiguration(inputSize: 512, hiddenSize: 512), steps: 100, batch: 1, lengths: false, states: false)
        let (model, problem) = try testCase.make(seed: 300)
        let expected = try CPUReference(model: model).run(problem)
        let comparison = try ReferenceCase.run(model, problem, precision: .float16, against: expected, tolerance: .float16Weights)
        #expect(comparison.passed, "\(comparison)")
        #expect(comparison.maxAbsoluteError <= 2e-3, "max abs error \(comparison.maxAbsoluteError)")
    }
}
