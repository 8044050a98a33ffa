// NumPy .npy: every kind of corrupt, hostile or mismatched file is rejected with the right FormatError.

import Foundation
import LSTMFormats
import LSTMTestSupport
import Testing

@Suite struct NumpyMalformedTests {
    private let fourFloats = Bytes.littleFloats([1, 2, 3, 4])

    private func floats(_ data: Data) throws {
        _ = try NumpyFile.decodeFloats(data, source: "X.npy")
    }

    private func integers(_ data: Data) throws {
        _ = try NumpyFile.decodeIntegers(data, source: "X.npy")
    }

    @Test func badMagic() {
        let good = npyBytes(npyDictionary(descr: "<f4", shape: "(4,)"), data: fourFloats)
        for index in 0..<6 {
            var bad = good
            bad[index] ^= 0x20
            expectFormatError("badMagic") { try floats(bad) }
        }
        expectFormatError("badMagic") { try floats(Data("PK\u{3}\u{4}".utf8)) }
        expectFormatError("badMagic") { try integers(safetensorsBytes(header: "{}")) }
    }

    @Test func truncatedBeforeTheHeader() {
        let good = npyBytes(npyDictionary(descr: "<f4", shape: "(4,)"), data: fourFloats)
        for count in [0, 3, 6, 7, 8, 9] {
            expectFormatError("truncated") { try floats(good.prefix(count)) }
        }
        let version2 = npyBytes(npyDictionary(descr: "<f4", shape: "(4,)"), data: fourFloats, version: 2)
        expectFormatError("truncated") { try floats(version2.prefix(11)) }
    }

    @Test func unsupportedVersions() {
        for (major, minor) in [(0, 0), (1, 1), (4, 0), (255, 255)] as [(UInt8, UInt8)] {
            var data = npyBytes(npyDictionary(descr: "<f4", shape: "(4,)"), data: fourFloats)
            data[6] = major
            data[7] = minor
            let error = expectFormatError("unsupportedVersion") { try floats(data) }
            #expect(error?.description.contains("\(major).\(minor)") == true)
        }
    }

    @Test func headerLengthPastEndOfFile() {
        var data = npyBytes(npyDictionary(descr: "<f4", shape: "(4,)"), data: [])
        data[8] = 0xFF
        data[9] = 0xFF
        expectFormatError("headerLengthExceedsFile") { try floats(data) }
        let huge = Data([0x93] + Array("NUMPY".utf8) + [2, 0] + Bytes.little(UInt32.max) + Array("{}".utf8))
        expectFormatError("headerLengthExceedsFile") { try floats(huge) }
    }

    @Test(arguments: [
        "",
        "not a dict",
        "{'descr': '<f4', 'fortran_order': False}",
        "{'descr': '<f4', 'shape': (4,)}",
        "{'fortran_order': False, 'shape': (4,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'extra': 1}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'extra': True}",
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (4,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': [4]}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4,,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4, x)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2 2)}",
        "{'descr': '<f4', 'fortran_order': false, 'shape': (4,)}",
        "{'descr': '<f4', 'fortran_order': Fals, 'shape': (4,)}",
        "{'descr': '<f4', 'fortran_order': 0, 'shape': (4,)}",
        "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4,)}",
        "{'descr': True, 'fortran_order': False, 'shape': (4,)}",
        "{'descr': '<f4, 'fortran_order': False, 'shape': (4,)}",
        "{'descr': '<f4\\', 'fortran_order': False, 'shape': (4,)}",
        "{'descr': \"<f4', 'fortran_order': False, 'shape': (4,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4,)} junk",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4,)}}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4,),,}",
        "{'descr' '<f4', 'fortran_order': False, 'shape': (4,)}",
        "{descr: '<f4', 'fortran_order': False, 'shape': (4,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4,)",
    ])
    func garbageHeaders(dictionary: String) {
        expectFormatError("malformedHeader") { try floats(npyBytes(dictionary, data: fourFloats)) }
    }

    @Test func version3HeaderMustBeUTF8() {
        var header = Array(npyDictionary(descr: "<f4", shape: "(4,)").utf8)
        header[2] = 0xFF
        let data = Data([0x93] + Array("NUMPY".utf8) + [3, 0] + Bytes.little(UInt32(header.count)) + header + fourFloats)
        expectFormatError("malformedHeader") { try floats(data) }
    }

    @Test func wrongDtypeForTheCallSaysWhatWasFoundAndAccepted() {
        let ints = npyBytes(npyDictionary(descr: "<i4", shape: "(4,)"), data: fourFloats)
        let error = expectFormatError("unsupportedDataType") { try floats(ints) }
        #expect(error?.description.contains("'<i4'") == true)
        #expect(error?.description.contains("<f4") == true)

        let floatFile = npyBytes(npyDictionary(descr: "<f4", shape: "(4,)"), data: fourFloats)
        let other = expectFormatError("unsupportedDataType") { try integers(floatFile) }
        #expect(other?.description.contains("'<f4'") == true)
        #expect(other?.description.contains("<i8") == true)

        for descr in ["|b1", "<c8", "<U4", "|S4", "O", "<f16", "<f3", "<i3", "", "<", "f"] {
            let data = npyBytes(npyDictionary(descr: descr, shape: "(4,)"), data: fourFloats)
            expectFormatError("unsupportedDataType") { try floats(data) }
            expectFormatError("unsupportedDataType") { try integers(data) }
        }
    }

    @Test func absurdDimensions() {
        for shape in ["(-1,)", "(2, -3)", "(99999999999999999999,)", "(4294967296, 4294967296)", "(9223372036854775807, 2)"] {
            let data = npyBytes(npyDictionary(descr: "<f4", shape: shape), data: fourFloats)
            expectFormatError("invalidShape") { try floats(data) }
        }
        // Count fits in Int, byte size does not.
        let bytes = npyBytes(npyDictionary(descr: "<f8", shape: "(2305843009213693952,)"), data: fourFloats)
        expectFormatError("invalidShape") { try floats(bytes) }
        // Byte size fits in Int but is far larger than the file.
        let large = npyBytes(npyDictionary(descr: "<f4", shape: "(1000000000, 1000000000)"), data: fourFloats)
        let error = expectFormatError("truncated") { try floats(large) }
        #expect(error?.description.contains("4000000000000000000") == true)
    }

    @Test func truncatedData() {
        let data = npyBytes(npyDictionary(descr: "<f4", shape: "(2, 3)"), data: fourFloats)
        expectFormatError("truncated") { try floats(data) }
        let ints = npyBytes(npyDictionary(descr: "<i8", shape: "(1,)"), data: [1, 2, 3])
        expectFormatError("truncated") { try integers(ints) }
    }

    @Test func trailingBytes() {
        let data = npyBytes(npyDictionary(descr: "<f4", shape: "(3,)"), data: fourFloats)
        let error = expectFormatError("trailingBytes") { try floats(data) }
        #expect(error == .trailingBytes(path: "X.npy", count: 4))
        let scalar = npyBytes(npyDictionary(descr: "<f4", shape: "()"), data: fourFloats)
        expectFormatError("trailingBytes") { try floats(scalar) }
    }

    @Test func unsignedValueAboveIntMax() {
        let data = npyBytes(npyDictionary(descr: "<u8", shape: "(2,)"), data: Bytes.little(UInt64(1)) + Bytes.little(UInt64.max))
        let error = expectFormatError("integerOutOfRange") { try integers(data) }
        #expect(error?.description.contains("18446744073709551615") == true)
    }

    @Test func missingFileAndFolder() throws {
        let temporary = try TemporaryFolder(prefix: "LSTMFormatsTests")
        let folder = temporary.url
        expectFormatError("cannotRead") { _ = try NumpyFile.readFloats(contentsOf: folder.appendingPathComponent("none.npy")) }
        expectFormatError("cannotRead") { _ = try NumpyFile.readIntegers(contentsOf: folder) }
    }
}
