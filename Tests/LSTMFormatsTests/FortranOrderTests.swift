// The blocked Fortran-to-C reordering agrees with the definition, element by element.

import LSTMCore
@testable import LSTMFormats
import Testing

@Suite struct FortranOrderTests {
    /// The definition: C element (i0, ..., in) is Fortran element i0 + d0·(i1 + d1·(...)).
    private func naive(_ values: [Float], shape: [Int]) -> [Float] {
        var result: [Float] = []
        var index = [Int](repeating: 0, count: shape.count)
        for _ in 0..<values.count {
            var offset = 0
            for axis in stride(from: shape.count - 1, through: 0, by: -1) { offset = offset * shape[axis] + index[axis] }
            result.append(values[offset])
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    @Test(arguments: [[2, 3], [3, 2], [70, 33], [1, 9], [9, 1], [2, 3, 4], [5, 1, 7, 3], [40, 3, 35], [2, 2, 2, 2, 2]] as [[Int]])
    func matchesDefinition(shape: [Int]) {
        var generator = SeededGenerator(seed: UInt64(shape.reduce(1, *)))
        let values = generator.uniform(shape.reduce(1, *))
        #expect(FortranOrder.toRowMajor(values, shape: shape) == naive(values, shape: shape))
    }

    @Test func emptyAndRankOneAreUnchanged() {
        #expect(FortranOrder.toRowMajor([Float](), shape: [0, 4]) == [])
        #expect(FortranOrder.toRowMajor([1, 2, 3] as [Float], shape: [3]) == [1, 2, 3])
        #expect(FortranOrder.toRowMajor([5, 6] as [Int], shape: [2, 1]) == [5, 6])
    }
}
