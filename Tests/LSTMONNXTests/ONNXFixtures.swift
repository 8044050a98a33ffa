// The ONNX graph cases in Tests/Fixtures/onnx (made by make_onnx_graphs.py), located from
// this file's path.
import Foundation
import LSTMCore
import LSTMFormats
import LSTMONNX
import LSTMTestSupport

struct ONNXFixture: CustomStringConvertible {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/onnx")

    static let names: [String] = {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent("\($0)/case.json").path) }.sorted()
    }()

    let name: String
    let feeds: [String: String]
    let fetches: [String: String]
    let expectedError: String?
    /// The recurrent nodes (by index) that must run as one stacked pass; nil where case.json has none.
    let stacked: [[Int]]?
    var description: String { name }
    var base: URL { Self.folder.appendingPathComponent(name) }
    var model: URL { base.appendingPathComponent("model.onnx") }

    init(_ name: String) throws {
        self.name = name
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("\(name)/case.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        feeds = object["feeds"] as? [String: String] ?? [:]
        fetches = object["fetches"] as? [String: String] ?? [:]
        expectedError = object["expect_error"] as? String
        stacked = object["stacked"] as? [[Int]]
    }

    /// The fed arrays, typed as the graph inputs declare.
    func feedArrays(for program: ONNXProgram) throws -> [String: ONNXArray] {
        try ONNXFeeds.read(feeds, in: base, for: program)
    }

    func expected(_ output: String) throws -> Tensor? {
        guard let file = fetches[output] else { return nil }
        return try NumpyFile.readFloats(contentsOf: base.appendingPathComponent(file))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
