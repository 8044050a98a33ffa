// Re-lays PyTorch's row-major weights into the panels the kernels stream (Kernels/common.cl):
// gate columns interleaved per block of 8 units, [Hp/8][K][8·gates] (32 floats per k for an
// LSTM's 4 gates, 24 for a GRU's 3).

/// Packing of the constant weights into the kernels' layout. Done once per model load.
public enum WeightPacking {
    /// Units per block: one float8 lane group.
    public static let blockWidth = 8

    /// `size` rounded up to a whole number of blocks.
    public static func paddedUnits(_ size: Int) -> Int {
        (size + blockWidth - 1) / blockWidth * blockWidth
    }

    /// Packs gate weights [G·H, K] (G gates stacked by rows, in the cell's order) into
    /// [Hp/8][K][8G], column 8g + j of block u holding gate g of unit 8u + j; padded units
    /// are zero.
    public static func packGateWeights(_ weights: [Float], gateCount: Int, hiddenSize: Int, inputSize: Int) -> [Float] {
        let blocks = paddedUnits(hiddenSize) / blockWidth
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
    public static func packGateVector(_ vector: [Float], gateCount: Int, hiddenSize: Int) -> [Float] {
        let blocks = paddedUnits(hiddenSize) / blockWidth
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
