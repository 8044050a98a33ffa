// Reordering column-major (Fortran) element sequences into row-major (C) order, as a series
// of cache-blocked 2-D transposes so multi-MB arrays convert at memory speed.

enum FortranOrder {
    /// `values` stored with the first index varying fastest, returned with the last index fastest.
    ///
    /// Fortran storage of shape (d0, ..., dn) is C storage of the reversed shape (dn, ..., d0).
    /// Transposing that as a (dn·...·d1) × d0 matrix brings d0 outermost; each of the d0 rows is
    /// then the same problem one rank lower, so n-1 blocked transposes reverse all the axes.
    static func toRowMajor<Element>(_ values: [Element], shape: [Int]) -> [Element] {
        guard shape.count >= 2, values.count > 1 else { return values }
        var first = values
        var second = values
        var passes = 0
        first.withUnsafeMutableBufferPointer { firstBuffer in
            second.withUnsafeMutableBufferPointer { secondBuffer in
                guard var input = firstBuffer.baseAddress, var output = secondBuffer.baseAddress else { return }
                // Each pass works on `blocks` independent blocks of `blockSize` elements; the
                // leading axis of the remaining Fortran shape moves outermost within each block.
                var blocks = 1
                var blockSize = values.count
                for axis in 0..<(shape.count - 1) {
                    let leading = shape[axis]
                    let rest = blockSize / leading
                    for block in 0..<blocks {
                        let base = block * blockSize
                        transpose(input + base, rows: rest, columns: leading, into: output + base)
                    }
                    swap(&input, &output)
                    passes += 1
                    blocks *= leading
                    blockSize = rest
                }
            }
        }
        return passes % 2 == 0 ? first : second
    }

    /// Writes the transpose of the row-major `rows` × `columns` matrix at `source` to `target`,
    /// in 32 × 32 tiles so both sides stay in cache.
    private static func transpose<Element>(
        _ source: UnsafePointer<Element>, rows: Int, columns: Int, into target: UnsafeMutablePointer<Element>
    ) {
        let tile = 32
        for rowStart in stride(from: 0, to: rows, by: tile) {
            let rowEnd = min(rowStart + tile, rows)
            for columnStart in stride(from: 0, to: columns, by: tile) {
                let columnEnd = min(columnStart + tile, columns)
                for row in rowStart..<rowEnd {
                    for column in columnStart..<columnEnd {
                        target[column * rows + row] = source[row * columns + column]
                    }
                }
            }
        }
    }
}
