// Re-lays PyTorch's row-major weights into the panels the kernels stream (Kernels/common.cl):
// gate columns interleaved per block of `blockWidth` units (the kernels' VEC),
// [Hp/VEC][K][VEC·gates] (for VEC 8: 32 floats per k for an LSTM's 4 gates, 24 for a GRU's
// 3). The layout depends on the block width, so weights are packed for the vector width of
// the tuning that runs them.

/// Packing of the constant weights into the kernels' layout. Done once per model load and
/// vector width.
public enum WeightPacking {
    /// Block widths (`VEC`) the kernels are written for.
    public static let supportedBlockWidths = [4, 8, 16]

    /// `size` rounded up to a whole number of blocks of `blockWidth` units.
    public static func paddedUnits(_ size: Int, blockWidth: Int) -> Int {
        (size + blockWidth - 1) / blockWidth * blockWidth
    }

    /// Packs gate weights [G·H, K] (G gates stacked by rows, in the cell's order) into
    /// [Hp/VEC][K][VEC·G], column VEC·g + j of block u holding gate g of unit VEC·u + j;
    /// padded units are zero.
    public static func packGateWeights(
        _ weights: [Float], gateCount: Int, hiddenSize: Int, inputSize: Int, blockWidth: Int
    ) -> [Float] {
        let blocks = paddedUnits(hiddenSize, blockWidth: blockWidth) / blockWidth
        let panelWidth = gateCount * blockWidth
        var packed = [Float](repeating: 0, count: blocks * inputSize * panelWidth)
        for block in 0..<blocks {
            for gate in 0..<gateCount {
                for lane in 0..<blockWidth {
                    let unit = block * blockWidth + lane
                    guard unit < hiddenSize else { continue }
                    let sourceRow = (gate * hiddenSize + unit) * inputSize
                    var target = block * inputSize * panelWidth + gate * blockWidth + lane
                    for k in 0..<inputSize {
                        packed[target] = weights[sourceRow + k]
                        target += panelWidth
                    }
                }
            }
        }
        return packed
    }

    /// Packs a per-gate vector [G·H] (a bias) into the interleaved column order [G·Hp].
    public static func packGateVector(_ vector: [Float], gateCount: Int, hiddenSize: Int, blockWidth: Int) -> [Float] {
        let blocks = paddedUnits(hiddenSize, blockWidth: blockWidth) / blockWidth
        let panelWidth = gateCount * blockWidth
        var packed = [Float](repeating: 0, count: blocks * panelWidth)
        for block in 0..<blocks {
            for gate in 0..<gateCount {
                for lane in 0..<blockWidth where block * blockWidth + lane < hiddenSize {
                    packed[block * panelWidth + gate * blockWidth + lane] = vector[gate * hiddenSize + block * blockWidth + lane]
                }
            }
        }
        return packed
    }

    /// Packs the projection [P, H] into panels [Pp/VEC][H][VEC].
    public static func packProjection(_ weights: [Float], projectionSize: Int, hiddenSize: Int, blockWidth: Int) -> [Float] {
        let blocks = paddedUnits(projectionSize, blockWidth: blockWidth) / blockWidth
        var packed = [Float](repeating: 0, count: blocks * hiddenSize * blockWidth)
        for row in 0..<projectionSize {
            let block = row / blockWidth
            let lane = row % blockWidth
            for k in 0..<hiddenSize {
                packed[(block * hiddenSize + k) * blockWidth + lane] = weights[row * hiddenSize + k]
            }
        }
        return packed
    }

    /// Pads rows of `width` values to the padded width with zeros: [rows][paddedUnits(width)].
    public static func padRows(_ values: [Float], rows: Int, width: Int, blockWidth: Int) -> [Float] {
        let padded = paddedUnits(width, blockWidth: blockWidth)
        var result = [Float](repeating: 0, count: rows * padded)
        for row in 0..<rows {
            for column in 0..<width { result[row * padded + column] = values[row * width + column] }
        }
        return result
    }

    /// Inverse of ``padRows(_:rows:width:blockWidth:)``.
    public static func unpadRows(_ values: [Float], rows: Int, width: Int, blockWidth: Int) -> [Float] {
        let padded = paddedUnits(width, blockWidth: blockWidth)
        var result = [Float](repeating: 0, count: rows * width)
        for row in 0..<rows {
            for column in 0..<width { result[row * width + column] = values[row * padded + column] }
        }
        return result
    }
}
