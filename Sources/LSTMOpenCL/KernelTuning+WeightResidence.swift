// Where a model's weights live decides two of the CPU defaults: whether the input projection
// is fused into the recurrence (the step's rows fit the L2 and its weights the last level),
// and whether the recurrent product prefetches its next panel slice (the weights it streams
// do not stay in the L2s). Pure arithmetic on the cache sizes the caller gives (HostCacheSizes).
import LSTMCore

extension KernelTuning {
    /// Whether the defaults fuse the input projection into the persistent recurrence
    /// (``fuseInput``) for an LSTM of `configuration` in `batchClass`: for batches of more than
    /// one sequence when a row group's rows of x and h (`stepRows` x `stepTiles` rows of the
    /// widest layer input plus the recurrent size, in floats) take at most a quarter of the
    /// per-core L2, and a step's weights (W_ih and W_hh of every direction of the widest layer,
    /// `weightBytes` each) at most half of the last-level cache. Fused, each step streams W_ih
    /// as well as W_hh and reads both row sets; the GEMM reads W_ih once per window, and a
    /// single sequence has no rows to share it. On an AMD EPYC Zen 5 (1 MiB L2, 32 MiB L3;
    /// `lstm-kernel-probe`, in one process, medians of 8 rounds) fused took 0.89x the pass at
    /// (256, 256, 256, 100) (128 KiB of rows, 2 MiB of weights), 0.97x at (512, 512, 64, 100)
    /// (256 KiB, 8 MiB), 0.99x at (512, 512, 16, 100), but 1.10x at (1024, 1024, 64, 50)
    /// (512 KiB, 32 MiB) and 1.6x at batch 1. At (1024, 1024, 64, 50) groups of 8 and 4 row
    /// tiles (256 and 128 KiB of rows) took 1.13x too: the 32 MiB of weights, which do not stay
    /// in that L3, are what makes it slower (Benchmarks/RESULTS.md). With the slice prefetch
    /// that the defaults give such weights (``prefetchSlices``) fused and unfused later took
    /// the same time there. `lastLevelBytes` nil (not described) leaves the weights unchecked.
    public static func fusesInputByDefault(
        configuration: LSTMConfiguration, tuning: KernelTuning, batchClass: BatchClass, level2Bytes: Int,
        lastLevelBytes: Int? = nil, weightBytes: Int = MemoryLayout<Float>.size
    ) -> Bool {
        guard configuration.cell == .lstm, batchClass != .single, tuning.persistentRecurrence else { return false }
        let rowBytes = (widestLayerInput(configuration) + configuration.outputSize) * MemoryLayout<Float>.size
        guard tuning.stepRows * tuning.stepTiles * rowBytes <= level2Bytes / 4 else { return false }
        guard let lastLevelBytes else { return true }
        return stepWeightBytes(configuration: configuration, vectorWidth: tuning.vectorWidth, weightBytes: weightBytes)
            <= lastLevelBytes / 2
    }

    /// Whether the defaults have the recurrent product prefetch its next panel slice
    /// (``prefetchSlices``) for an LSTM of `configuration` in `batchClass`: for batches of more
    /// than one sequence whose row tiles share slices (``stepTiles`` > 1) when the weights the
    /// recurrence streams each step (W_hh, and W_ih too where ``fuseInput``, every direction)
    /// are more than the L2 caches of its `workers` hold together (`level2Bytes` each). Then a
    /// group's first tile on each slice waits for it from beyond L2 while the others find it in
    /// L1; spread over the tiles of the slice before, one line per k, the prefetch overlaps
    /// that wait with their FMAs. On an AMD EPYC Zen 5 (two workers, 1 MiB L2 each;
    /// `lstm-kernel-probe`, in one process; Benchmarks/RESULTS.md) the pass took 0.90x at
    /// (1024, 1024, 16, 50) and 0.96x at (1024, 1024, 64, 50) (16 MiB of W_hh, from memory),
    /// 0.97-1.01x at (512, 512, 16 and 64, 100) fused (8 MiB, from the L3), and 0.99x (fastest
    /// pass 1.06x) at (256, 256, 256, 100) fused, whose 2 MiB stay in the L2s: that case keeps
    /// the plain loop. Only at vector width 16 (AVX-512: AMD Zen 4 and 5, the Intel Xeons),
    /// whose PREFETCHT1 fills L2 alone; on AMD Zen 3 (AVX2, VEC 8) it fills L1 too (AMD moved
    /// T1 to L2 with Zen 4), where the next slice would evict the one in use from a 32 KiB L1.
    /// That case is unmeasured and keeps the plain loop.
    public static func prefetchesSlicesByDefault(
        configuration: LSTMConfiguration, tuning: KernelTuning, batchClass: BatchClass, level2Bytes: Int, workers: Int,
        weightBytes: Int = MemoryLayout<Float>.size
    ) -> Bool {
        guard configuration.cell == .lstm, batchClass != .single, tuning.stepTiles > 1, tuning.vectorWidth >= 16 else {
            return false
        }
        let streamed = tuning.fuseInput
            ? stepWeightBytes(configuration: configuration, vectorWidth: tuning.vectorWidth, weightBytes: weightBytes)
            : packedWeightBytes(
                configuration: configuration, columns: configuration.outputSize, vectorWidth: tuning.vectorWidth,
                weightBytes: weightBytes)
        return streamed > max(1, workers) * level2Bytes
    }

    /// Bytes of one step's weights of the widest layer: W_ih and W_hh of every direction,
    /// packed at `vectorWidth`, `weightBytes` each.
    static func stepWeightBytes(configuration: LSTMConfiguration, vectorWidth: Int, weightBytes: Int) -> Int {
        packedWeightBytes(
            configuration: configuration, columns: widestLayerInput(configuration) + configuration.outputSize,
            vectorWidth: vectorWidth, weightBytes: weightBytes)
    }

    /// The widest input any layer reads: the model's input or a lower layer's output.
    static func widestLayerInput(_ configuration: LSTMConfiguration) -> Int {
        (0..<configuration.layerCount).map(configuration.layerInputSize).max() ?? configuration.inputSize
    }

    /// Bytes of `columns` columns of a layer's packed gate weights (K = `columns`), every
    /// direction.
    static func packedWeightBytes(configuration: LSTMConfiguration, columns: Int, vectorWidth: Int, weightBytes: Int) -> Int {
        let paddedHidden = WeightPacking.paddedUnits(configuration.hiddenSize, blockWidth: vectorWidth)
        return configuration.directionCount * columns * configuration.gateCount * paddedHidden * weightBytes
    }
}
