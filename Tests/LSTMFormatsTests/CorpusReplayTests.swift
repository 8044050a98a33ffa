// Replays the libFuzzer corpus (found by scripts/fuzz.sh) through every decoder: each input
// must decode or throw a FormatError, and what decodes must survive an encode/decode round trip.

import Foundation
import LSTMCore
import LSTMFormats
import LSTMTestSupport
import Testing

@Suite struct CorpusReplayTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func corpusFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test func corpusIsPresent() throws {
        #expect(try Self.corpusFiles().count >= 50)
    }

    @Test func everyInputDecodesOrThrowsFormatError() throws {
        var outcomes = (decoded: 0, rejected: 0)
        for file in try Self.corpusFiles() {
            let data = try Data(contentsOf: file)
            let name = file.lastPathComponent
            for decoder in Decoder.allCases {
                do {
                    try decoder.check(data, name: name)
                    outcomes.decoded += 1
                } catch is FormatError {
                    outcomes.rejected += 1
                } catch {
                    Issue.record("\(name): \(decoder) threw \(type(of: error)): \(error)")
                }
            }
        }
        // A corpus that only holds rejected inputs would not exercise the decoding paths.
        #expect(outcomes.decoded > 0)
        #expect(outcomes.rejected > 0)
    }

    enum Decoder: CaseIterable {
        case safetensors, npyFloats, npyIntegers

        func check(_ data: Data, name: String) throws {
            switch self {
            case .safetensors:
                let tensors = try SafeTensors.decode(data, source: name)
                let again = try SafeTensors.decode(SafeTensors.encode(tensors), source: name)
                #expect(again.keys.sorted() == tensors.keys.sorted(), "\(name)")
                for (key, tensor) in tensors {
                    #expect(again[key].map { OutputComparison.sameBits($0, tensor) } == true, "\(name): \(key)")
                }
            case .npyFloats:
                let tensor = try NumpyFile.decodeFloats(data, source: name)
                #expect(try OutputComparison.sameBits(NumpyFile.decodeFloats(NumpyFile.encode(tensor), source: name), tensor), "\(name)")
            case .npyIntegers:
                let array = try NumpyFile.decodeIntegers(data, source: name)
                #expect(Tensor.elementCount(of: array.shape) == array.values.count, "\(name)")
            }
        }
    }
}
