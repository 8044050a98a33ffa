// Safetensors: F16, BF16 and F64 tensors decoded from hand-built bytes with known values.

import Foundation
import LSTMCore
@testable import LSTMFormats
import Testing

@Suite struct SafeTensorsDataTypeTests {
    private func decodeOne(dtype: String, shape: [Int], data: [UInt8]) throws -> Tensor {
        let shapeText = shape.map(String.init).joined(separator: ",")
        let header = #"{"t":{"dtype":"\#(dtype)","shape":[\#(shapeText)],"data_offsets":[0,\#(data.count)]}}"#
        let tensors = try SafeTensors.decode(safetensorsBytes(header: header, data: data), source: "\(dtype).safetensors")
        return try #require(tensors["t"])
    }

    @Test func float16KnownValues() throws {
        let bits: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x8000, 0x7C00, 0xFC00, 0x3555, 0x0400]
        let expected: [Float] = [
            1, -2, 65504, 0x1p-24, 1023 * 0x1p-24, -0.0, .infinity, -.infinity, 0.333251953125, 0x1p-14,
        ]
        let tensor = try decodeOne(dtype: "F16", shape: [2, 5], data: bits.flatMap { Bytes.little($0) })
        #expect(tensor.shape == [2, 5])
        #expect(tensor.values.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func float16NaNStaysNaN() throws {
        let tensor = try decodeOne(dtype: "F16", shape: [1], data: Bytes.little(UInt16(0x7E00)))
        #expect(tensor.values[0].isNaN)
    }

    #if !(os(macOS) && arch(x86_64))
    @Test func float16ConversionMatchesSwiftFloat16ForEveryBitPattern() {
        var mismatches: [UInt16] = []
        for bits in UInt16.min...UInt16.max {
            let ours = ElementDecoding.halfToFloat(bits)
            let swift = Float(Float16(bitPattern: bits))
            let same = ours.isNaN ? swift.isNaN : ours.bitPattern == swift.bitPattern
            if !same { mismatches.append(bits) }
        }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5))")
    }
    #endif

    @Test func bfloat16KnownValues() throws {
        let bits: [UInt16] = [0x3F80, 0x4049, 0xC2F7, 0x0001, 0x7F80, 0x8000]
        let expected: [Float] = [1, 3.140625, -123.5, Float(bitPattern: 0x0001_0000), .infinity, -0.0]
        let tensor = try decodeOne(dtype: "BF16", shape: [6], data: bits.flatMap { Bytes.little($0) })
        #expect(tensor.values.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func float64KnownValuesRoundToNearestFloat() throws {
        let doubles: [Double] = [2.5, -1e-3, 1.0 / 3.0, 1e300, 0x1p-149]
        let tensor = try decodeOne(dtype: "F64", shape: [5, 1], data: doubles.flatMap { Bytes.little($0.bitPattern) })
        #expect(tensor.shape == [5, 1])
        #expect(tensor.values == [2.5, Float(-1e-3), Float(1.0 / 3.0), .infinity, .leastNonzeroMagnitude])
    }

    @Test func mixedDtypesInOneFileAtUnalignedOffsets() throws {
        // F16 first makes the F32 tensor start at an odd 2-byte offset inside the buffer.
        let header = #"{"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]},"f":{"dtype":"F32","shape":[2],"data_offsets":[2,10]}}"#
        let data = Bytes.little(UInt16(0x4200)) + Bytes.littleFloats([0.5, -7])
        let tensors = try SafeTensors.decode(safetensorsBytes(header: " " + header, data: data), source: "mixed")
        #expect(tensors["h"]?.values == [3])
        #expect(tensors["f"]?.values == [0.5, -7])
    }
}
