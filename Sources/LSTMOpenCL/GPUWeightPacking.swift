// Re-lays PyTorch's row-major weights into the GPU family's layout (Kernels/gpu_common.cl):
// gate rows interleaved by unit (row n = gates * unit + gate) and matrices stored k-major,
// [K][N], so the work-items of a tile read consecutive addresses.

/// Packing of the constant weights for the GPU kernel family. Done once per model load.
public enum GPUWeightPacking {
    /// Units per padding block of the GPU family's layouts (and of the CPU-family staging and
    /// state buffers it shares, which a GPU-family backend keeps at vector width 8).
    public static let unitBlock = 8

    /// Packs gate weights [gates·H, K] (gate-major rows, PyTorch's order) into [K][gates·Hp],
    /// column `gates·unit + gate`; padded units (H ..< Hp) are zero.
    public static func packGateWeights(_ weights: [Float], gates: Int, hiddenSize: Int, inputSize: Int) -> [Float] {
        let padded = WeightPacking.paddedUnits(hiddenSize, blockWidth: GPUWeightPacking.unitBlock)
        let rows = gates * padded
        var packed = [Float](repeating: 0, count: inputSize * rows)
        for gate in 0..<gates {
            for unit in 0..<hiddenSize {
                let source = (gate * hiddenSize + unit) * inputSize
                let column = gates * unit + gate
                for k in 0..<inputSize { packed[k * rows + column] = weights[source + k] }
            }
        }
        return packed
    }

    /// Packs a per-gate vector [gates·H] (a bias) into the interleaved order [gates·Hp].
    public static func packGateVector(_ vector: [Float], gates: Int, hiddenSize: Int) -> [Float] {
        var packed = [Float](repeating: 0, count: gates * WeightPacking.paddedUnits(hiddenSize, blockWidth: GPUWeightPacking.unitBlock))
        for gate in 0..<gates {
            for unit in 0..<hiddenSize { packed[gates * unit + gate] = vector[gate * hiddenSize + unit] }
        }
        return packed
    }

    /// Transposes the projection [P, H] to k-major [H][P].
    public static func packProjection(_ weights: [Float], projectionSize: Int, hiddenSize: Int) -> [Float] {
        var packed = [Float](repeating: 0, count: hiddenSize * projectionSize)
        for row in 0..<projectionSize {
            for k in 0..<hiddenSize { packed[k * projectionSize + row] = weights[row * hiddenSize + k] }
        }
        return packed
    }
}
