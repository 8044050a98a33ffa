// LayoutIndexMap against the layout operators themselves: random chains of transposes and
// reshapes applied to a tensor of element indices must move every element where the map says,
// and two maps must compare equal exactly when the moved tensors are equal.
import LSTMCore
@testable import LSTMONNX
import Testing

@Suite struct LayoutIndexMapTests {
    /// Source offsets of every result element, from the map's digits.
    static func offsets(_ map: LayoutIndexMap) -> [Int64] {
        var offsets: [Int64] = [0]
        for digit in map.digits.flatMap({ $0 }) {
            offsets = offsets.flatMap { base in (0..<digit.size).map { base + Int64($0 * digit.stride) } }
        }
        return offsets
    }

    /// A random shape with `count` elements and rank 1...4.
    static func randomShape(count: Int, using generator: inout SeededGenerator) -> [Int] {
        let rank = Int.random(in: 1...4, using: &generator)
        var shape: [Int] = []
        var left = count
        for _ in 1..<rank {
            let divisors = (1...left).filter { left % $0 == 0 }
            let pick = divisors.randomElement(using: &generator) ?? 1
            shape.append(pick)
            left /= pick
        }
        shape.append(left)
        return shape.shuffled(using: &generator)
    }

    /// Random chains from a [T, D, B, H] tensor: (the map, the moved index tensor), for the
    /// chains whose every reshape the map could follow.
    static func chains(count: Int, seed: UInt64) -> (results: [(LayoutIndexMap, ONNXArray)], unfollowed: Int) {
        var generator = SeededGenerator(seed: seed)
        var results: [(LayoutIndexMap, ONNXArray)] = []
        var unfollowed = 0
        for _ in 0..<count {
            let shape = [2, 2, 3, 2].map { $0 + Int.random(in: 0...1, using: &generator) }
            let total = shape.reduce(1, *)
            var map: LayoutIndexMap? = LayoutIndexMap(contiguous: shape)
            var array = ONNXArray(shape: shape, integers: (0..<Int64(total)).map { $0 })
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                if Bool.random(using: &generator) {
                    let perm = Array(array.shape.indices).shuffled(using: &generator)
                    map = map?.permuted(perm)
                    array = LayoutOperators.permute(array, perm)
                } else {
                    let target = randomShape(count: total, using: &generator)
                    map = map?.reshaped(target)
                    array = array.reshaped(target)
                }
            }
            if let map { results.append((map, array)) } else { unfollowed += 1 }
        }
        return (results, unfollowed)
    }

    @Test func mapsMoveElementsAsTheOperatorsDo() {
        let (results, unfollowed) = Self.chains(count: 400, seed: 11)
        #expect(results.count > 200, "only \(results.count) chains followed (\(unfollowed) not)")
        for (map, array) in results {
            #expect(map.shape == array.shape)
            #expect(Self.offsets(map) == array.integers, "map \(map) for shape \(array.shape)")
        }
    }

    @Test func mapsAreEqualExactlyWhenTheyMoveAlike() {
        let (results, _) = Self.chains(count: 300, seed: 12)
        var equalPairs = 0, differentPairs = 0
        for i in results.indices {
            for j in results.indices where j > i && results[i].1.shape == results[j].1.shape {
                let same = results[i].1.integers == results[j].1.integers
                #expect(results[i].0.movesLike(results[j].0) == same, "\(results[i].0) vs \(results[j].0)")
                if same { equalPairs += 1 } else { differentPairs += 1 }
            }
        }
        // Both outcomes must occur, or the test would check nothing.
        #expect(equalPairs > 10 && differentPairs > 10, "\(equalPairs) equal and \(differentPairs) different pairs")
    }

    @Test func stackingIsTheTransposeThenReshapeOfY() throws {
        let y = [5, 2, 3, 4]
        let expected = LayoutOperators.permute(ONNXArray(shape: y, integers: (0..<120).map { $0 }), [0, 2, 1, 3]).reshaped([5, 3, 8])
        let map = try #require(LayoutIndexMap.stacking(sequenceOutput: y, layout: 0))
        #expect(Self.offsets(map) == expected.integers)
        // [T, B, H, D] flattened has every shape right and the elements in another order.
        let wrong = try #require(LayoutIndexMap(contiguous: y).permuted([0, 2, 3, 1]).reshaped([5, 3, 8]))
        #expect(!map.movesLike(wrong))
        #expect(Self.offsets(wrong) != expected.integers)
        let batchFirst = try #require(LayoutIndexMap.stacking(sequenceOutput: [3, 5, 2, 4], layout: 1))
        #expect(Self.offsets(batchFirst) == (0..<120).map { $0 })
    }
}
