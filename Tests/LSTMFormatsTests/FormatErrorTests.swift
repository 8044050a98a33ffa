// FormatError messages name the file and say what is wrong.

import LSTMFormats
import Testing

@Suite struct FormatErrorTests {
    @Test func everyMessageNamesTheFile() {
        let errors: [FormatError] = [
            .cannotRead(path: "p.bin", reason: "no such file"),
            .truncated(path: "p.bin", part: "array data", needed: 8, available: 2),
            .headerLengthExceedsFile(path: "p.bin", headerLength: 10, fileSize: 5),
            .headerTooLarge(path: "p.bin", headerLength: 200_000_000, limit: 100_000_000),
            .badMagic(path: "p.bin", expected: "NumPy .npy"),
            .unsupportedVersion(path: "p.bin", version: "9.0", supported: ["1.0"]),
            .malformedHeader(path: "p.bin", reason: "x"),
            .malformedEntry(path: "p.bin", tensor: "w", reason: "x"),
            .invalidShape(path: "p.bin", tensor: nil, reason: "x"),
            .unsupportedDataType(path: "p.bin", tensor: "w", dtype: "I64", accepted: ["F32"]),
            .invalidDataOffsets(path: "p.bin", tensor: "w", begin: 0, end: 9, bufferSize: 4),
            .dataSizeMismatch(path: "p.bin", tensor: "w", expectedBytes: 8, actualBytes: 4),
            .trailingBytes(path: "p.bin", count: 3),
            .integerOutOfRange(path: "p.bin", value: "18446744073709551615"),
            .folderMissing(path: "p.bin", folder: "/nowhere"),
            .writeFailed(path: "p.bin", reason: "disk full"),
        ]
        for error in errors {
            #expect(error.description.hasPrefix("p.bin: "), "\(error)")
        }
        #expect(FormatError.unwritableTensor(name: "__metadata__", reason: "reserved").description.contains("'__metadata__'"))
    }

    @Test func specificMessages() {
        #expect(FormatError.unsupportedDataType(path: "m.safetensors", tensor: "w", dtype: "I64", accepted: ["F32", "F16"]).description
            == "m.safetensors: tensor 'w': dtype 'I64' is not supported here; accepted: F32, F16")
        #expect(FormatError.invalidDataOffsets(path: "m", tensor: "w", begin: 0, end: 9, bufferSize: 4).description
            == "m: tensor 'w': data_offsets [0, 9] are invalid: the range reaches past the end of the 4-byte data buffer")
    }
}
