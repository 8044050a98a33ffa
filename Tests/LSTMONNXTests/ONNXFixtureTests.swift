// Every graph in Tests/Fixtures/onnx through the import and the CPU reference: outputs
// within Tolerance.external of onnxruntime (or the NumPy spec), or the expected refusal.
import Foundation
import LSTMCore
import LSTMONNX
import Testing

@Suite struct ONNXFixtureTests {
    @Test func fixturesArePresent() {
        #expect(ONNXFixture.names.count >= 25)
        #expect(ONNXFixture.names.contains { $0.hasSuffix("-dynamo") })
    }

    @Test(arguments: ONNXFixture.names)
    func fixtureOnCPUReference(_ name: String) throws {
        let fixture = try ONNXFixture(name)
        if let expectedError = fixture.expectedError {
            do {
                _ = try ONNXProgram(ONNXFile.read(contentsOf: fixture.model))
                Issue.record("\(name): imported, but should be refused with '\(expectedError)'")
            } catch let error as ONNXError {
                #expect(error.description.contains(expectedError), "\(name): \(error)")
            }
            return
        }
        let program = try ONNXProgram(ONNXFile.read(contentsOf: fixture.model))
        let outputs = try program.run(feeds: fixture.feedArrays(for: program)) { pass, problem in
            try CPUReference(model: pass.model).run(problem)
        }
        #expect(!fixture.fetches.isEmpty)
        for output in fixture.fetches.keys.sorted() {
            let expected = try #require(try fixture.expected(output))
            let got = try #require(outputs[output], "\(name): output \(output) missing")
            #expect(got.shape == expected.shape, "\(name): \(output) shape")
            let comparison = TensorComparison(try Tensor(shape: got.shape, values: got.floats), expected, tolerance: .external)
            #expect(comparison.passed, "\(name): \(output): \(comparison)")
        }
    }
}
