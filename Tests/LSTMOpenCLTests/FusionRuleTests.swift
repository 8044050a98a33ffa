// When the defaults fuse the input projection into the persistent recurrence
// (KernelTuning.fusesInputByDefault): batches of more than one sequence whose row groups' x and
// h rows fit a quarter of the per-core L2 and whose step's weights fit half the last-level
// cache. Pure arithmetic on the caches given, no device.
import LSTMCore
@testable import LSTMOpenCL
import Testing

@Suite("Input projection fusion rule")
struct FusionRuleTests {
    /// The large-batch tile of a 48 KiB L1 at VEC 16: 16 tiles of 4 rows, 64 rows per group.
    static let tuning = KernelTuning(vectorWidth: 16, stepRows: 4, stepTiles: 16)

    private func fuses(
        _ size: Int, level2: Int = 1 << 20, lastLevel: Int? = 32 << 20, weightBytes: Int = 4,
        batchClass: BatchClass = .large, bidirectional: Bool = false
    ) -> Bool {
        KernelTuning.fusesInputByDefault(
            configuration: LSTMConfiguration(inputSize: size, hiddenSize: size, bidirectional: bidirectional),
            tuning: Self.tuning, batchClass: batchClass, level2Bytes: level2, lastLevelBytes: lastLevel,
            weightBytes: weightBytes)
    }

    @Test("the Zen 5 shapes: 256 and 512 fuse, 1024 does not, batch 1 never")
    func zen5Shapes() {
        // Rows 128 KiB and weights 2 MiB; 256 KiB and 8 MiB; 512 KiB and 32 MiB.
        #expect(fuses(256))
        #expect(fuses(512))
        #expect(!fuses(1024))
        #expect(!fuses(256, batchClass: .single))
    }

    @Test("a large L2 no longer fuses weights that overflow half the last level")
    func weightsBound() {
        // 2 MiB L2 (rows 512 KiB fit a quarter), 32 MiB of weights: half of a 64 MiB L3 fits.
        #expect(fuses(1024, level2: 2 << 20, lastLevel: 64 << 20))
        #expect(!fuses(1024, level2: 2 << 20, lastLevel: 64 << 20 - 1))
        // f16 weights take half the bytes; two directions twice as many.
        #expect(fuses(1024, level2: 2 << 20, lastLevel: 32 << 20, weightBytes: 2))
        #expect(!fuses(1024, level2: 2 << 20, lastLevel: 64 << 20, bidirectional: true))
        // An unknown last level leaves only the rows' bound.
        #expect(fuses(1024, level2: 2 << 20, lastLevel: nil))
    }

    @Test("rows over a quarter of the L2 stay unfused whatever the last level")
    func rowsBound() {
        #expect(!fuses(1024, level2: 1 << 20, lastLevel: 1 << 30))
        #expect(fuses(512, level2: 1 << 20, lastLevel: 16 << 20))
        #expect(!fuses(512, level2: 1 << 20, lastLevel: 16 << 20 - 1))
    }
}
