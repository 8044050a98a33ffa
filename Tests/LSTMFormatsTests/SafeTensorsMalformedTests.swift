// Safetensors: every kind of corrupt or hostile file is rejected with the right FormatError.

import Foundation
import LSTMFormats
import Testing

@Suite struct SafeTensorsMalformedTests {
    private func decode(_ data: Data) throws {
        _ = try SafeTensors.decode(data, source: "X.safetensors")
    }

    private func decode(header: String, data: [UInt8] = []) throws {
        try decode(safetensorsBytes(header: header, data: data))
    }

    private func entry(dtype: String = "\"F32\"", shape: String = "[2]", offsets: String = "[0,8]") -> String {
        #"{"w":{"dtype":\#(dtype),"shape":\#(shape),"data_offsets":\#(offsets)}}"#
    }

    @Test func shorterThanTheLengthField() {
        for count in 0..<8 {
            expectFormatError("truncated") { try decode(Data(repeating: 0, count: count)) }
        }
    }

    @Test func headerLengthPastEndOfFile() {
        let data = Data(Bytes.little(UInt64(9_999_999_999)) + Array(repeating: UInt8(ascii: " "), count: 1226))
        let error = expectFormatError("headerLengthExceedsFile") { try decode(data) }
        #expect(error?.description == "X.safetensors: header length 9999999999 exceeds file size 1234; the file is truncated or not in this format")
        expectFormatError("headerLengthExceedsFile") { try decode(Data(Bytes.little(UInt64.max) + [0x7B])) }
    }

    @Test func absurdHeaderLengthInsideALargeFile() {
        let length = SafeTensors.maximumHeaderLength + 1
        let data = Data(Bytes.little(length)) + Data(count: Int(length))
        expectFormatError("headerTooLarge") { try decode(data) }
    }

    @Test func headerThatIsNotUTF8JSONObject() {
        let headers: [[UInt8]] = [
            [],
            Array("{\"w\":".utf8),
            [0x7B, 0xFF, 0x7D],
            [0x7B, 0x00, 0x7D, 0x00],
            Array("[1,2]".utf8),
            Array("\"text\"".utf8),
            Array("{} trailing".utf8),
            Array(String(repeating: "[", count: 10_000).utf8),
        ]
        for header in headers {
            expectFormatError("malformedHeader") { try decode(Data(Bytes.little(UInt64(header.count)) + header)) }
        }
    }

    @Test func entriesMissingFieldsOrOfWrongType() {
        let headers = [
            #"{"w":5}"#,
            #"{"w":{"shape":[2],"data_offsets":[0,8]}}"#,
            #"{"w":{"dtype":"F32","data_offsets":[0,8]}}"#,
            #"{"w":{"dtype":"F32","shape":[2]}}"#,
            entry(dtype: "32"),
            entry(dtype: "null"),
            entry(shape: "2"),
            entry(shape: "{}"),
            entry(offsets: "[0]"),
            entry(offsets: "[0,8,9]"),
            entry(offsets: "[-1,8]"),
            entry(offsets: "[0,8.5]"),
            entry(offsets: "[0,\"8\"]"),
            entry(offsets: "[false,8]"),
            entry(offsets: "0"),
        ]
        for header in headers {
            expectFormatError("malformedEntry") { try decode(header: header, data: Array(repeating: 0, count: 8)) }
        }
    }

    @Test func shapesWithBadDimensions() {
        for shape in ["[-1]", "[1.5]", "[2.0]", "[1e300]", "[1e2]", "[true]", "[\"2\"]", "[null]", "[9223372036854775808]", "[2, [1]]"] {
            expectFormatError("invalidShape") { try decode(header: entry(shape: shape), data: Array(repeating: 0, count: 8)) }
        }
    }

    @Test func shapesWhoseSizeOverflows() {
        expectFormatError("invalidShape") { try decode(header: entry(shape: "[4294967296,4294967296]")) }
        expectFormatError("invalidShape") { try decode(header: entry(shape: "[9223372036854775807,2]")) }
        // The count fits but count * 4 bytes does not.
        expectFormatError("invalidShape") { try decode(header: entry(shape: "[4611686018427387904]")) }
    }

    @Test func offsetsReversedOrOutOfRange() {
        let data = Array(repeating: UInt8(0), count: 8)
        let reversed = expectFormatError("invalidDataOffsets") { try decode(header: entry(offsets: "[8,0]"), data: data) }
        #expect(reversed?.description.contains("begin is after end") == true)
        expectFormatError("invalidDataOffsets") { try decode(header: entry(offsets: "[4,12]"), data: data) }
        expectFormatError("invalidDataOffsets") { try decode(header: entry(offsets: "[0,9223372036854775807]"), data: data) }
    }

    @Test func byteCountDisagreesWithShape() {
        let data = Array(repeating: UInt8(0), count: 16)
        expectFormatError("dataSizeMismatch") { try decode(header: entry(offsets: "[0,12]"), data: data) }
        expectFormatError("dataSizeMismatch") { try decode(header: entry(offsets: "[0,4]"), data: data) }
        expectFormatError("dataSizeMismatch") { try decode(header: entry(dtype: "\"F16\"", offsets: "[0,8]"), data: data) }
    }

    @Test func unsupportedDtypesNameTensorAndDtype() {
        for dtype in ["I64", "I32", "U8", "BOOL", "F8_E4M3", "f32", "Float"] {
            let error = expectFormatError("unsupportedDataType") {
                try decode(header: entry(dtype: "\"\(dtype)\""), data: Array(repeating: 0, count: 8))
            }
            #expect(error?.description.contains("'w'") == true)
            #expect(error?.description.contains("'\(dtype)'") == true)
        }
    }

    @Test func missingFileIsCannotRead() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/model.safetensors")
        let error = expectFormatError("cannotRead") { _ = try SafeTensors.read(contentsOf: url) }
        #expect(error?.description.hasPrefix(url.path) == true)
    }
}
