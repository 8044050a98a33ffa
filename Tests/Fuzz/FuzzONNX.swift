// libFuzzer entry point for the ONNX reader and importer. Built and run by scripts/fuzz.sh
// (swiftc, not SwiftPM: libFuzzer supplies `main`). Every input is decoded as a model; what
// decodes is imported; what imports and declares small fixed-shape inputs is run on the CPU
// reference with seeded inputs. Each stage must succeed or throw one of the library's typed
// errors (ONNXError, ShapeError, ModelError); anything else crashes, which libFuzzer records.

import Foundation
import LSTMCore
import LSTMONNX

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNX(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var padded = Data([0xA5])
    if let start, count > 0 { padded.append(start, count: count) }
    let input = padded[1...]
    do {
        let program = try ONNXProgram(ONNXFile.decode(input, source: "fuzz.onnx"))
        guard let feeds = ONNXFuzzFeeds.make(for: program) else { return 0 }
        _ = try program.run(feeds: feeds) { pass, problem in
            try CPUReference(model: pass.model).run(problem)
        }
    } catch is ONNXError {
    } catch is ShapeError {
    } catch is ModelError {
    } catch {
        fatalError("ONNX import threw an untyped error: \(type(of: error)): \(error)")
    }
    return 0
}

/// Seeded feeds for every graph input whose declared shape is fixed and small, or nil.
enum ONNXFuzzFeeds {
    static func make(for program: ONNXProgram) -> [String: ONNXArray]? {
        var feeds: [String: ONNXArray] = [:]
        for input in program.inputs {
            var shape: [Int] = []
            for dim in input.shape ?? [] {
                guard case .size(let size) = dim, size >= 0, size <= 64 else { return nil }
                shape.append(Int(size))
            }
            guard input.shape != nil, shape.reduce(1, *) <= 4096 else { return nil }
            let count = shape.reduce(1, *)
            if let type = ONNXElementType(rawValue: input.elementType), !type.isFloatingPoint {
                feeds[input.name] = ONNXArray(shape: shape, integers: (0..<count).map { Int64($0 % 3 + 1) }, type: type)
            } else {
                feeds[input.name] = ONNXArray(shape: shape, floats: (0..<count).map { Float(($0 * 7919) % 13) / 13 - 0.5 })
            }
        }
        return feeds
    }
}
