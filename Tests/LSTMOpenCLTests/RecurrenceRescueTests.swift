// The persistent recurrence's rescue path (lstm_recurrence.cl): a worker that waits computes
// the tiles it waits for itself. With rescuePolls 0 every wait rescues at once, so the two
// workers compute many tiles twice and race on the same stores; the results must still be
// bitwise those of the default run, and the final states must come out of the state rings.
import LSTMCore
import LSTMOpenCL
import LSTMTestSupport
import OpenCLKit
import Testing

@Suite("Persistent recurrence rescue")
struct RecurrenceRescueTests {
    static let cases: [(name: String, testCase: ReferenceCase, windowSteps: Int?)] = [
        // Batch 1 (wide tiles and the single-block tail), one window of every step.
        ("batch 1", ReferenceCase(LSTMConfiguration(inputSize: 9, hiddenSize: 37), steps: 9, batch: 1, lengths: false, states: true), nil),
        // Windows of 2 steps wrap the 3-slot rings; lengths leave inactive sequences, whose
        // state is carried from slot to slot.
        ("bidirectional, lengths, windows of 2", ReferenceCase(
            LSTMConfiguration(inputSize: 12, hiddenSize: 37, layerCount: 2, bidirectional: true),
            steps: 7, batch: 6, lengths: true, states: true), 2),
        // Projection (its own phase and ring) and peepholes.
        ("projection, peepholes", ReferenceCase(
            LSTMConfiguration(inputSize: 6, hiddenSize: 21, projectionSize: 7, layerCount: 2, hasPeepholes: true),
            steps: 6, batch: 5, lengths: true, states: true), 4),
    ]

    @Test("rescuing at once gives bitwise the default run's results", arguments: cases.indices)
    func rescueIsBitwiseNeutral(index: Int) throws {
        let (name, testCase, windowSteps) = Self.cases[index]
        let (model, problem) = try testCase.make(seed: 900 + UInt64(index))
        var tuning = KernelTuning.cpuDefault
        tuning.persistentRecurrence = true
        let device = try Device.first()
        let normal = try OpenCLBackend(
            model: model, device: device, options: OpenCLBackendOptions(tuning: tuning, windowSteps: windowSteps))
        let rescuing = try OpenCLBackend(
            model: model, device: device, options: OpenCLBackendOptions(tuning: tuning, windowSteps: windowSteps, rescuePolls: 0))
        normal.poisonsWorkspace = true
        rescuing.poisonsWorkspace = true
        let expected = try normal.run(problem)
        let comparison = try OutputComparison.compare(expected, try CPUReference(model: model).run(problem), tolerance: .float32)
        #expect(comparison.passed, "\(name): default run against the reference: \(comparison)")
        // Races differ from run to run: several runs, each bitwise.
        for run in 0..<4 {
            let got = try rescuing.run(problem)
            #expect(Self.differences(got.output, expected.output) == 0, "\(name), run \(run): output")
            #expect(Self.differences(got.finalHidden, expected.finalHidden) == 0, "\(name), run \(run): h_n")
            #expect(Self.differences(got.finalCell, expected.finalCell) == 0, "\(name), run \(run): c_n")
        }
    }

    /// Elements whose bits differ (every element when the counts differ).
    static func differences(_ got: [Float], _ expected: [Float]) -> Int {
        guard got.count == expected.count else { return max(got.count, expected.count) }
        return zip(got, expected).filter { $0.bitPattern != $1.bitPattern }.count
    }
}
