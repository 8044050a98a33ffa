// NumPy .npy: encode/decode and write/read round trips, and byte-for-byte numpy layout.

import Foundation
import LSTMCore
import LSTMFormats
import LSTMTestSupport
import Testing

@Suite struct NumpyRoundTripTests {
    @Test(arguments: [[], [1], [5], [2, 3], [1, 1, 1], [0], [3, 0], [4, 3, 2], [2, 1, 3, 5], [1000]] as [[Int]])
    func encodeDecodeKeepsEveryBit(shape: [Int]) throws {
        var generator = SeededGenerator(seed: 0xBEEF &+ UInt64(shape.reduce(17, { $0 &* 31 &+ $1 })))
        let tensor = generator.tensor(shape, in: -5...5)
        let data = NumpyFile.encode(tensor)
        #expect(try OutputComparison.sameBits(NumpyFile.decodeFloats(data, source: "memory.npy"), tensor))
    }

    @Test func specialValuesSurvive() throws {
        let tensor = try Tensor(shape: [2, 2], values: [.nan, -.infinity, -0.0, .leastNonzeroMagnitude])
        #expect(try OutputComparison.sameBits(NumpyFile.decodeFloats(NumpyFile.encode(tensor), source: "s.npy"), tensor))
    }

    /// Headers as numpy 2.4's `np.save` writes them for `<f4` arrays (checked against numpy).
    @Test(arguments: [
        ([3, 4], "(3, 4)"), ([], "()"), ([5], "(5,)"), ([2, 3, 4], "(2, 3, 4)"), ([0], "(0,)"),
    ] as [([Int], String)])
    func headerMatchesNumpyByteForByte(shape: [Int], shapeText: String) throws {
        var generator = SeededGenerator(seed: 3)
        let tensor = generator.tensor(shape)
        let data = NumpyFile.encode(tensor)
        // numpy: dictionary, spaces up to 127 bytes in all for these short shapes, newline.
        let dictionary = Array(npyDictionary(descr: "<f4", shape: shapeText).utf8)
        let header = dictionary + Array(repeating: UInt8(ascii: " "), count: 127 - 10 - dictionary.count) + [0x0A]
        let expected = [0x93] + Array("NUMPY".utf8) + [1, 0, 118, 0] + header + Bytes.littleFloats(tensor.values)
        #expect(Array(data) == expected)
    }

    @Test func dataStartsOn64ByteBoundaryForLongShapes() throws {
        let shape = Array(repeating: 1, count: 40)
        let data = NumpyFile.encode(try Tensor(shape: shape, values: [9]))
        #expect((data.count - 4) % 64 == 0)
        #expect(data[data.count - 5] == 0x0A)
        #expect(try NumpyFile.decodeFloats(data, source: "long.npy").shape == shape)
    }

    @Test func writeThenReadFile() throws {
        let temporary = try TemporaryFolder(prefix: "LSTMFormatsTests")
        let folder = temporary.url
        var generator = SeededGenerator(seed: 11)
        let tensor = generator.tensor([6, 7])
        let url = folder.appendingPathComponent("x.npy")
        try NumpyFile.write(tensor, to: url)
        #expect(try NumpyFile.readFloats(contentsOf: url) == tensor)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["x.npy"])
    }

    @Test func writeRefusesTensorWhoseValuesNoLongerMatchShape() throws {
        let temporary = try TemporaryFolder(prefix: "LSTMFormatsTests")
        let folder = temporary.url
        var tensor = try Tensor(shape: [2], values: [1, 2])
        tensor.values.removeLast()
        expectFormatError("unwritableTensor") { try NumpyFile.write(tensor, to: folder.appendingPathComponent("x.npy")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
