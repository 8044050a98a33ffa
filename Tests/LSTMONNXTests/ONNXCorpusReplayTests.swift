// Replays the libFuzzer corpus of the ONNX reader (found by scripts/fuzz.sh): each input must
// decode, import and run, or throw one of the library's typed errors, as in Tests/Fuzz/FuzzONNX.swift.
import Foundation
import LSTMCore
import LSTMONNX
import Testing

@Suite struct ONNXCorpusReplayTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func corpusFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test func corpusIsPresent() throws {
        #expect(try Self.corpusFiles().count >= 50)
    }

    @Test func everyInputRunsOrThrowsATypedError() throws {
        var outcomes = (ran: 0, rejected: 0)
        for file in try Self.corpusFiles() {
            let name = file.lastPathComponent
            do {
                let program = try ONNXProgram(ONNXFile.decode(Data(contentsOf: file), source: name))
                guard let feeds = Self.feeds(for: program) else { outcomes.ran += 1; continue }
                _ = try program.run(feeds: feeds) { pass, problem in
                    try CPUReference(model: pass.model).run(problem)
                }
                outcomes.ran += 1
            } catch is ONNXError {
                outcomes.rejected += 1
            } catch is ShapeError {
                outcomes.rejected += 1
            } catch is ModelError {
                outcomes.rejected += 1
            } catch {
                Issue.record("\(name): threw \(type(of: error)): \(error)")
            }
        }
        #expect(outcomes.ran > 0)
        #expect(outcomes.rejected > 0)
    }

    /// The fuzzer's feeds: seeded values for every input of fixed shape up to 4096 elements.
    static func feeds(for program: ONNXProgram) -> [String: ONNXArray]? {
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
