// Helpers of the engine tests (fixtures, seeded inputs and comparisons come from
// LSTMTestSupport).
import LSTMRuntime
import LSTMTestSupport
import Testing

/// Engine options that keep notices out of the test log.
let quietOptions = EngineOptions(notice: { _ in })

/// Expects output, h_n and c_n to be bitwise equal (NaN payloads and signed zeros included).
func expectBitwiseEqual(_ got: LSTMOutput, _ expected: LSTMOutput, _ context: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
    #expect((got.finalCell == nil) == (expected.finalCell == nil), "\(context): c_n present on one side only",
            sourceLocation: sourceLocation)
    var pairs = [("output", got.output, expected.output), ("h_n", got.finalHidden, expected.finalHidden)]
    if let gotCell = got.finalCell, let expectedCell = expected.finalCell { pairs.append(("c_n", gotCell, expectedCell)) }
    for (name, a, b) in pairs {
        #expect(a.shape == b.shape, "\(context): \(name) shape", sourceLocation: sourceLocation)
        let difference = OutputComparison.firstDifference(a.values, b.values)
        #expect(difference == nil, "\(context): \(name): \(difference ?? "")", sourceLocation: sourceLocation)
    }
}
