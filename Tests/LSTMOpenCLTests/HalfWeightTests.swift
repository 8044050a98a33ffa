// Half-precision weight storage (fp32 arithmetic) against the fp32-weight CPU reference:
// every variant within Tolerance.float16Weights, and the batch-1 benchmark shape within
// the 2e-3 the product promises for it; and weights that are exactly halves give bitwise the
// f32-weight results, so the kernels' half-to-float conversion (vcvtph2ps on F16C CPUs,
// vload_half elsewhere) is exact, subnormal halves included.
import LSTMCore
import LSTMOpenCL
import LSTMTestSupport
import OpenCLKit
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

    /// Halves the conversion must get right besides ordinary weights: subnormals (the
    /// smallest is 2^-24), the largest subnormal, the smallest normal, and signed zeros.
    static let edgeHalves: [Float] = [0x1p-24, -0x1p-24, 0x3.ffp-16, -0x1p-14, 0x1p-14, 0, -0.0, 0x1.8p-20]

    /// Every stored weight rounded to a half, with the edge halves spread over each matrix.
    static func halfExact(_ model: LSTMModel) throws -> LSTMModel {
        func rounded(_ values: [Float]) -> [Float] {
            values.enumerated().map { index, value in
                index % 7 == 3 ? edgeHalves[(index / 7) % edgeHalves.count] : Float(Float16(value))
            }
        }
        let layers = model.layers.map { directions in
            directions.map { weights in
                var copy = weights
                copy.inputWeights = rounded(weights.inputWeights)
                copy.recurrentWeights = rounded(weights.recurrentWeights)
                copy.projectionWeights = weights.projectionWeights.map(rounded)
                return copy
            }
        }
        return try LSTMModel(configuration: model.configuration, layers: layers)
    }

    @Test("weights that are halves give bitwise the f32-weight results, at every vector width",
          arguments: [4, 8, 16])
    func exactConversion(vectorWidth: Int) throws {
        let testCase = ReferenceCase(
            LSTMConfiguration(inputSize: 37, hiddenSize: 45, projectionSize: 11, layerCount: 2, bidirectional: true),
            steps: 4, batch: 5, lengths: true, states: true)
        let (random, problem) = try testCase.make(seed: 310)
        let model = try Self.halfExact(random)
        let device = try Device.first()
        var results: [ForwardResult] = []
        for precision in [WeightPrecision.float32, .float16] {
            let tuning = KernelTuning.defaults(for: device, batchClass: BatchClass(batch: problem.batch))
            var options = OpenCLBackendOptions(weightPrecision: precision, tuning: tuning)
            options.tuning?.vectorWidth = vectorWidth
            let backend = try OpenCLBackend(model: model, device: device, options: options)
            backend.poisonsWorkspace = true
            results.append(try backend.run(problem))
        }
        for (name, half, full) in [("output", results[1].output, results[0].output), ("h_n", results[1].finalHidden, results[0].finalHidden),
                                   ("c_n", results[1].finalCell, results[0].finalCell)] {
            let difference = OutputComparison.firstDifference(half, full)
            #expect(difference == nil, "VEC \(vectorWidth) \(name): f16 against f32 weights: \(difference ?? "")")
        }
    }
}
