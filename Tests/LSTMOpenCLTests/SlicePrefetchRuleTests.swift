// When the defaults have the recurrent product prefetch its next panel slice
// (KernelTuning.prefetchesSlicesByDefault): batches of more than one sequence whose row tiles
// share slices, when the weights the recurrence streams each step (W_hh, plus W_ih when the
// input projection is fused) are more than the workers' L2 caches hold together, at vector
// width 16. And that only CPU builds get the prefetch. Pure arithmetic, no device.
import LSTMCore
@testable import LSTMOpenCL
import OpenCLKit
import Testing

@Suite("Slice prefetch rule")
struct SlicePrefetchRuleTests {
    private func prefetches(
        _ size: Int, fused: Bool, level2: Int = 1 << 20, workers: Int = 2, weightBytes: Int = 4, stepTiles: Int = 16,
        batchClass: BatchClass = .large, projection: Int = 0, cell: CellKind = .lstm, vectorWidth: Int = 16
    ) -> Bool {
        let tuning = KernelTuning(vectorWidth: vectorWidth, stepRows: 4, stepTiles: stepTiles, fuseInput: fused)
        return KernelTuning.prefetchesSlicesByDefault(
            configuration: LSTMConfiguration(cell: cell, inputSize: size, hiddenSize: size, projectionSize: projection),
            tuning: tuning, batchClass: batchClass, level2Bytes: level2, workers: workers, weightBytes: weightBytes)
    }

    @Test("the Zen 5 defaults: 1024 unfused and 512 fused prefetch, 256 fused does not")
    func zen5Shapes() {
        // W_hh 16 MiB against two 1 MiB L2s; W_ih + W_hh 8 MiB; 2 MiB, exactly the two L2s.
        #expect(prefetches(1024, fused: false))
        #expect(prefetches(512, fused: true))
        #expect(!prefetches(256, fused: true))
        #expect(prefetches(256, fused: true, level2: 1 << 20 - 1))
        // Unfused only W_hh streams: 512's 4 MiB is over 2 MiB, 256's 1 MiB is not.
        #expect(prefetches(512, fused: false))
        #expect(!prefetches(256, fused: false))
    }

    @Test("what streams is counted at its precision, per worker, and for W_hh at the output size")
    func streamedBytes() {
        // f16 halves 512 fused to 4 MiB: still over 2 MiB, not over 4 MiB.
        #expect(prefetches(512, fused: true, weightBytes: 2))
        #expect(!prefetches(512, fused: true, workers: 4, weightBytes: 2))
        #expect(!prefetches(512, fused: true, level2: 4 << 20))
        // A projection of 64 makes W_hh 64 columns: 1 MiB at H = 1024.
        #expect(!prefetches(1024, fused: false, projection: 64))
    }

    @Test("a single sequence, unsliced tiles, the GRU and vector width 8 never prefetch")
    func notSliced() {
        // VEC 8 is AMD Zen 3 here, whose PREFETCHT1 fills L1 too.
        #expect(!prefetches(1024, fused: false, level2: 512 << 10, vectorWidth: 8))
        #expect(!prefetches(1024, fused: false, batchClass: .single))
        #expect(!prefetches(1024, fused: false, stepTiles: 1))
        #expect(!prefetches(1024, fused: false, cell: .gru))
        #expect(prefetches(1024, fused: false, stepTiles: 4, batchClass: .small))
    }

    @Test("only CPU builds define the prefetch, with the device's cache line")
    func definitions() {
        let on = KernelTuning(prefetchSlices: true)
        #expect(KernelBuild.prefetchDefinitions(tuning: on, deviceKind: .cpu, cacheLine: 64) == "-D PREFETCH_SLICES=1 -D CACHE_LINE=64")
        #expect(KernelBuild.prefetchDefinitions(tuning: on, deviceKind: .cpu, cacheLine: 0) == "-D PREFETCH_SLICES=1")
        #expect(KernelBuild.prefetchDefinitions(tuning: on, deviceKind: .gpu, cacheLine: 128).isEmpty)
        #expect(KernelBuild.prefetchDefinitions(tuning: KernelTuning(), deviceKind: .cpu, cacheLine: 64).isEmpty)
    }
}
