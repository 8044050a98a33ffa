// Safetensors: encode/decode and write/read round trips, and the exact layout written.

import Foundation
import LSTMCore
import LSTMFormats
import LSTMTestSupport
import Testing

@Suite struct SafeTensorsRoundTripTests {
    static let shapes: [[Int]] = [[], [1], [7], [2, 3], [1, 1, 1], [0], [4, 0, 2], [5, 3, 2], [33, 17]]

    @Test func encodeDecodeKeepsEveryBit() throws {
        var generator = SeededGenerator(seed: 0x5AFE_7E45)
        var tensors: [String: Tensor] = [:]
        for (index, shape) in Self.shapes.enumerated() {
            tensors["layer\(index).weight"] = generator.tensor(shape, in: -3...3)
        }
        tensors["specials"] = try Tensor(
            shape: [6], values: [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude])
        tensors["ünïcode \"quoted\" \\ \n"] = generator.tensor([2])

        let decoded = try SafeTensors.decode(SafeTensors.encode(tensors), source: "memory")
        #expect(decoded.keys.sorted() == tensors.keys.sorted())
        for (name, tensor) in tensors {
            let back = try #require(decoded[name])
            #expect(OutputComparison.sameBits(back, tensor), "tensor \(name)")
        }
    }

    @Test func writeThenReadFile() throws {
        let temporary = try TemporaryFolder(prefix: "LSTMFormatsTests")
        let folder = temporary.url
        var generator = SeededGenerator(seed: 42)
        let tensors = ["a": generator.tensor([3, 4]), "b": generator.tensor([1])]
        let url = folder.appendingPathComponent("model.safetensors")
        try SafeTensors.write(tensors, to: url)
        #expect(try SafeTensors.read(contentsOf: url) == tensors)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["model.safetensors"])
    }

    @Test func layoutMatchesTheReferenceImplementation() throws {
        let tensors = try [
            "b": Tensor(shape: [2], values: [1, 2]),
            "a": Tensor(shape: [], values: [3]),
        ]
        let data = try SafeTensors.encode(tensors)
        let header = #"{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        let expected = Bytes.little(UInt64(padded.utf8.count)) + Array(padded.utf8) + Bytes.littleFloats([3, 1, 2])
        #expect(Array(data) == expected)
        #expect((data.count - 12) % 8 == 0)
    }

    @Test func emptyDictionaryRoundTrips() throws {
        let data = try SafeTensors.encode([:])
        #expect(try SafeTensors.decode(data, source: "empty").isEmpty)
    }

    @Test func decodesFromDataSliceWithNonZeroStart() throws {
        var generator = SeededGenerator(seed: 7)
        let tensors = ["w": generator.tensor([3, 5])]
        let padded = Data([1, 2, 3]) + (try SafeTensors.encode(tensors))
        let slice = padded[3...]
        #expect(slice.startIndex == 3)
        #expect(try SafeTensors.decode(slice, source: "slice") == tensors)
    }

    @Test func refusesReservedNameAndInconsistentTensor() throws {
        expectFormatError("unwritableTensor") {
            _ = try SafeTensors.encode(["__metadata__": Tensor(shape: [1], values: [1])])
        }
        var broken = try Tensor(shape: [2], values: [1, 2])
        broken.values.append(3)
        expectFormatError("unwritableTensor") { _ = try SafeTensors.encode(["x": broken]) }
    }

    @Test func metadataIsIgnored() throws {
        let header = #"{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let decoded = try SafeTensors.decode(safetensorsBytes(header: header, data: Bytes.littleFloats([2.5])), source: "m")
        #expect(decoded == ["w": try Tensor(shape: [1], values: [2.5])])
    }
}
