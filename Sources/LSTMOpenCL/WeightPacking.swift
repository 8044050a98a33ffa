// Re-lays PyTorch's row-major weights into the panels the kernels stream (Kernels/common.cl):
// gate columns interleaved per block of 8 units, [Hp/8][K][32].

/// Packing of the constant weights into the kernels' layout. Done once per model load.
public enum WeightPacking {
    /// Units per block: one float8 lane group.
    public static let blockWidth = 8

    /// `size` rounded up to a whole number of blocks.
    public static func paddedUnits(_ size: Int) -> Int {
        (size + blockWidth - 1) / blockWidth * blockWidth
    }

    /// Packs gate weights [4H, K] (gates i, f, g, o stacked by rows) into [Hp/8][K][32],
    /// column 8g + j of block u holding gate g of unit 8u + j; padded units are zero.
    public static func packGateWeights(_ weights: [Float], hiddenSize: Int, inputSize: Int) -> [Float] {
        let blocks = paddedUnits(hiddenSize) / blockWidth
        var packed = [Float](repeating: 0, count: blocks * inputSize * 32)
        for block in 0..<blocks {
            for gate in 0..<4 {
                for lane in 0..<blockWidth {
                    let unit = block * blockWidth + lane
                    guard unit < hiddenSize else { continue }
                    let sourceRow = (gate * hiddenSize + unit) * inputSize
                    var target = block * inputSize * 32 + gate * blockWidth + lane
                    for k in 0..<inputSize {
                        packed[target] = weights[sourceRow + k]
                        target += 32
                    }
                }
            }
        }
        return packed
    }

    /// Packs a per-gate vector [4H] (a bias) into the interleaved column order [4Hp].
    public static func packGateVector(_ vector: [Float], hiddenSize: Int) -> [Float] {
        let blocks = paddedUnits(hiddenSize) / blockWidth
        var packed = [Float](repeating: 0, count: blocks * 32)
        for block in 0..<blocks {
            for gate in 0..<4 {
                for lane in 0..<blockWidth where block * blockWidth + lane < hiddenSize {
                    packed[block * 32 + gate * blockWidth + lane] = vector[gate * hiddenSize + block * blockWidth + lane]
                }
            }
        }
        return packed
    }

    /// Pads each of the 3 peephole rows [3, H] to Hp: [3][Hp].
    public static func packPeepholes(_ peepholes: [Float], hiddenSize: Int) -> [Float] {
        padRows(peepholes, rows: 3, width: hiddenSize)
    }

    /// Packs the projection [P, H] into panels [Pp/8][H][8].
    public static func packProjection(_ weights: [Float], projectionSize: Int, hiddenSize: Int) -> [Float] {
        let blocks = paddedUnits(projectionSize) / blockWidth
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
    public static func padRows(_ values: [Float], rows: Int, width: Int) -> [Float] {
        let padded = paddedUnits(width)
        var result = [Float](repeating: 0, count: rows * padded)
        for row in 0..<rows {
            for column in 0..<width { result[row * padded + column] = values[row * width + column] }
        }
        return result
    }

    /// Inverse of ``padRows(_:rows:width:)``.
    public static func unpadRows(_ values: [Float], rows: Int, width: Int) -> [Float] {
        let padded = paddedUnits(width)
        var result = [Float](repeating: 0, count: rows * width)
        for row in 0..<rows {
            for column in 0..<width { result[row * width + column] = values[row * padded + column] }
        }
        return result
    }
}
