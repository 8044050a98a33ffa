// libFuzzer entry point for the safetensors and NumPy .npy readers. Built and run by
// scripts/fuzz.sh (swiftc, not SwiftPM: libFuzzer supplies `main`). Every input goes to all
// three decoders; each must return or throw a FormatError, and whatever decodes must survive
// an encode/decode round trip bit for bit. Anything else crashes, which libFuzzer records.

import Foundation
import LSTMCore
import LSTMFormats

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormats(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    // A one-byte prefix sliced off gives a Data with a non-zero startIndex, as callers may pass.
    var padded = Data([0xA5])
    if let start, count > 0 { padded.append(start, count: count) }
    let input = padded[1...]

    expectFormatError {
        let tensors = try SafeTensors.decode(input, source: "fuzz.safetensors")
        let again = try SafeTensors.decode(SafeTensors.encode(tensors), source: "round-trip.safetensors")
        guard again.keys.sorted() == tensors.keys.sorted(),
              tensors.allSatisfy({ name, tensor in again[name].map { sameBits($0, tensor) } ?? false })
        else { fatalError("safetensors round trip changed the tensors") }
    }
    expectFormatError {
        let tensor = try NumpyFile.decodeFloats(input, source: "fuzz.npy")
        let again = try NumpyFile.decodeFloats(NumpyFile.encode(tensor), source: "round-trip.npy")
        guard sameBits(again, tensor) else { fatalError("npy round trip changed the tensor") }
    }
    expectFormatError {
        let array = try NumpyFile.decodeIntegers(input, source: "fuzz.npy")
        guard Tensor.elementCount(of: array.shape) == array.values.count else {
            fatalError("npy integers: \(array.values.count) values for shape \(array.shape)")
        }
    }
    return 0
}

private func expectFormatError(_ body: () throws -> Void) {
    do {
        try body()
    } catch is FormatError {
        return
    } catch {
        fatalError("decoder threw a non-FormatError: \(error)")
    }
}

/// Equality of shape and of every value's bit pattern (NaN payloads included).
private func sameBits(_ lhs: Tensor, _ rhs: Tensor) -> Bool {
    lhs.shape == rhs.shape && lhs.values.map(\.bitPattern) == rhs.values.map(\.bitPattern)
}
