// NumPy .npy: decoding hand-built files: byte orders, Fortran order, versions, header
// spellings and integer dtypes.

import Foundation
import LSTMCore
import LSTMFormats
import LSTMTestSupport
import Testing

@Suite struct NumpyDecodingTests {
    @Test func bigEndianFloat32AndFloat64() throws {
        let f4 = npyBytes(npyDictionary(descr: ">f4", shape: "(3,)"), data: [1.5, -2, 1e-3].flatMap { Bytes.big(Float($0).bitPattern) })
        #expect(try NumpyFile.decodeFloats(f4, source: "b.npy").values == [1.5, -2, 1e-3])
        let f8 = npyBytes(npyDictionary(descr: ">f8", shape: "(2,)"), data: [0.1, -3.25].flatMap { Bytes.big($0.bitPattern) })
        #expect(try NumpyFile.decodeFloats(f8, source: "b.npy").values == [Float(0.1), -3.25])
    }

    @Test func littleEndianFloat64AndFloat16AndNativeSpellings() throws {
        let f8 = npyBytes(npyDictionary(descr: "<f8", shape: "(1, 2)"), data: [2.5, 1.0 / 3].flatMap { Bytes.little($0.bitPattern) })
        #expect(try NumpyFile.decodeFloats(f8, source: "l.npy") == Tensor(shape: [1, 2], values: [2.5, Float(1.0 / 3)]))
        let f2 = npyBytes(npyDictionary(descr: "<f2", shape: "(2,)"), data: Bytes.little(UInt16(0x3C00)) + Bytes.little(UInt16(0xC500)))
        #expect(try NumpyFile.decodeFloats(f2, source: "h.npy").values == [1, -5])
        for descr in ["=f4", "f4", "|f4"] {
            let native = npyBytes(npyDictionary(descr: descr, shape: "(1,)"), data: Bytes.littleFloats([4]))
            #expect(try NumpyFile.decodeFloats(native, source: "n.npy").values == [4])
        }
    }

    @Test func fortranOrderTwoDimensions() throws {
        // The 2x3 array [[1, 2, 3], [4, 5, 6]] stored column by column.
        let data = npyBytes(npyDictionary(descr: "<f4", fortran: true, shape: "(2, 3)"), data: Bytes.littleFloats([1, 4, 2, 5, 3, 6]))
        #expect(try NumpyFile.decodeFloats(data, source: "f.npy") == Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]))
    }

    @Test func fortranOrderBigEndianThreeDimensions() throws {
        // Element (i, j, k) has value 100i + 10j + k; Fortran order stores i fastest, then j, then k.
        let shape = [2, 3, 4]
        var stored: [Float] = []
        for k in 0..<4 { for j in 0..<3 { for i in 0..<2 { stored.append(Float(100 * i + 10 * j + k)) } } }
        let data = npyBytes(
            npyDictionary(descr: ">f4", fortran: true, shape: "(2, 3, 4)"),
            data: stored.flatMap { Bytes.big($0.bitPattern) })
        var expected: [Float] = []
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { expected.append(Float(100 * i + 10 * j + k)) } } }
        #expect(try NumpyFile.decodeFloats(data, source: "f3.npy") == Tensor(shape: shape, values: expected))
    }

    @Test func fortranOrderOneDimensionAndScalarAreUnchanged() throws {
        let vector = npyBytes(npyDictionary(descr: "<f4", fortran: true, shape: "(3,)"), data: Bytes.littleFloats([7, 8, 9]))
        #expect(try NumpyFile.decodeFloats(vector, source: "v.npy").values == [7, 8, 9])
        let scalar = npyBytes(npyDictionary(descr: "<f4", fortran: true, shape: "()"), data: Bytes.littleFloats([5]))
        #expect(try NumpyFile.decodeFloats(scalar, source: "s.npy") == Tensor(shape: [], values: [5]))
    }

    @Test func versionsTwoAndThree() throws {
        for version: UInt8 in [2, 3] {
            let data = npyBytes(npyDictionary(descr: "<f4", shape: "(2,)"), data: Bytes.littleFloats([1, 2]), version: version)
            #expect(try NumpyFile.decodeFloats(data, source: "v\(version).npy").values == [1, 2])
        }
    }

    @Test func otherHeaderSpellingsOfTheSameGrammar() throws {
        let dictionaries = [
            #"{"descr": "<f4", "fortran_order": False, "shape": (2, 2)}"#,
            "{'shape': (2, 2), 'fortran_order': False, 'descr': '<f4'}",
            "{ 'descr' :'<f4' ,'fortran_order':False,'shape':( 2 ,2 , ) , }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 2L), }",
            "\t{'descr': '<f4',\n 'fortran_order': False,\n 'shape': (2, 2)}\n",
        ]
        for dictionary in dictionaries {
            let data = npyBytes(dictionary, data: Bytes.littleFloats([1, 2, 3, 4]))
            #expect(try NumpyFile.decodeFloats(data, source: "s.npy") == Tensor(shape: [2, 2], values: [1, 2, 3, 4]), "\(dictionary)")
        }
    }

    @Test func integerDtypes() throws {
        let cases: [(String, [UInt8], [Int])] = [
            ("|i1", [0xFF, 0x7F], [-1, 127]),
            ("|u1", [0xFF, 0x00], [255, 0]),
            ("<i2", Bytes.little(Int16(-300)) + Bytes.little(Int16(2)), [-300, 2]),
            (">u2", Bytes.big(UInt16(65535)) + Bytes.big(UInt16(1)), [65535, 1]),
            ("<i4", Bytes.little(Int32.min) + Bytes.little(Int32(5)), [Int(Int32.min), 5]),
            (">i4", Bytes.big(Int32(-7)) + Bytes.big(Int32(1 << 20)), [-7, 1 << 20]),
            ("<u4", Bytes.little(UInt32.max) + Bytes.little(UInt32(0)), [Int(UInt32.max), 0]),
            ("<i8", Bytes.little(Int64.min) + Bytes.little(Int64.max), [Int.min, Int.max]),
            (">i8", Bytes.big(Int64(-2)) + Bytes.big(Int64(1 << 40)), [-2, 1 << 40]),
            ("<u8", Bytes.little(UInt64(Int.max)) + Bytes.little(UInt64(3)), [Int.max, 3]),
        ]
        for (descr, bytes, values) in cases {
            let data = npyBytes(npyDictionary(descr: descr, shape: "(2,)"), data: bytes)
            let decoded = try NumpyFile.decodeIntegers(data, source: "\(descr).npy")
            #expect(decoded.shape == [2], "\(descr)")
            #expect(decoded.values == values, "\(descr)")
        }
    }

    @Test func integerFortranOrder() throws {
        let data = npyBytes(npyDictionary(descr: "<i8", fortran: true, shape: "(2, 2)"), data: [1, 3, 2, 4].flatMap { Bytes.little(Int64($0)) })
        let decoded = try NumpyFile.decodeIntegers(data, source: "i.npy")
        #expect(decoded.shape == [2, 2])
        #expect(decoded.values == [1, 2, 3, 4])
    }

    @Test func readIntegersFromFile() throws {
        let temporary = try TemporaryFolder(prefix: "LSTMFormatsTests")
        let folder = temporary.url
        let url = folder.appendingPathComponent("lengths.npy")
        try npyBytes(npyDictionary(descr: "<i4", shape: "(3,)"), data: [5, 0, 9].flatMap { Bytes.little(Int32($0)) }).write(to: url)
        let decoded = try NumpyFile.readIntegers(contentsOf: url)
        #expect(decoded.shape == [3])
        #expect(decoded.values == [5, 0, 9])
    }

    @Test func decodesFromDataSliceWithNonZeroStart() throws {
        let file = npyBytes(npyDictionary(descr: ">f4", shape: "(2,)"), data: Bytes.big(Float(1.25).bitPattern) + Bytes.big(Float(-1).bitPattern))
        let slice = (Data([9, 9, 9, 9, 9]) + file)[5...]
        #expect(try NumpyFile.decodeFloats(slice, source: "slice.npy").values == [1.25, -1])
    }
}
