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

    @Test("default --h0/--c0 bind only graph inputs whose values reach the states, not those read by Shape")
    func defaultStateBindings() throws {
        // PyTorch builds a missing h0 as zeros of Shape(input): `input` must not be bound as h0.
        let zeros = try ONNXProgram(ONNXFile.read(contentsOf: try ONNXFixture("torch-lstm-stacked-ts").model)).defaultBindings
        #expect(zeros.initialHidden == nil && zeros.initialCell == nil, "\(zeros)")
        let given = try ONNXProgram(ONNXFile.read(contentsOf: try ONNXFixture("torch-lstm-batch-first-states-ts").model)).defaultBindings
        #expect(given.initialHidden != nil && given.initialCell != nil && given.initialHidden != given.input, "\(given)")
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
        var passes: [RecurrentPass] = []
        let outputs = try program.run(feeds: fixture.feedArrays(for: program)) { pass, problem in
            passes.append(pass)
            #expect(problem.configuration == pass.model.configuration)
            return try CPUReference(model: pass.model).run(problem)
        }
        // Which nodes ran as one stacked pass is part of what each graph promises.
        if program.recurrentNodes.count > 1 {
            let stacked = try #require(fixture.stacked, "\(name): case.json must say which nodes are stacked")
            #expect(passes.filter(\.isStacked).map { Array($0.nodes) } == stacked, "\(name): passes \(passes.map(\.nodes))")
            // Chains checked at load are exactly the stacked ones; the others are candidates
            // whose layout is checked for each fed shape.
            let checked = zip(program.stackedPasses, program.stackedPassesCheckedAtLoad).filter(\.1).map { Array($0.0.nodes) }
            #expect(checked.allSatisfy(stacked.contains), "\(name): checked at load \(checked)")
            #expect(passes.map(\.nodes.count).reduce(0, +) == program.recurrentNodes.count, "\(name): every node runs once")
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

    /// A stacked chain gives the node-by-node answer. On the CPU reference not bitwise: it
    /// keeps a stacked model's layer outputs in Double, while node by node they pass through
    /// Float graph values; OpenCL keeps Float on the device and is bitwise (StackedONNXTests).
    @Test(arguments: ONNXFixture.names.filter { ((try? ONNXFixture($0))?.stacked ?? []).isEmpty == false })
    func stackedMatchesNodeByNode(_ name: String) throws {
        let fixture = try ONNXFixture(name)
        let file = try ONNXFile.read(contentsOf: fixture.model)
        func run(_ program: ONNXProgram) throws -> ([String: ONNXArray], [RecurrentPass]) {
            var passes: [RecurrentPass] = []
            let outputs = try program.run(feeds: fixture.feedArrays(for: program)) { pass, problem in
                passes.append(pass)
                return try CPUReference(model: pass.model).run(problem)
            }
            return (outputs, passes)
        }
        let (stacked, stackedPasses) = try run(ONNXProgram(file))
        let (alone, alonePasses) = try run(ONNXProgram(file, stacking: false))
        #expect(stackedPasses.contains { $0.isStacked })
        #expect(!alonePasses.contains { $0.isStacked })
        #expect(stacked.keys.sorted() == alone.keys.sorted())
        for (output, value) in alone {
            let got = try #require(stacked[output])
            #expect(got.shape == value.shape, "\(name): \(output)")
            let comparison = TensorComparison(try Tensor(shape: got.shape, values: got.floats),
                                              try Tensor(shape: value.shape, values: value.floats), tolerance: .float32)
            #expect(comparison.passed && comparison.maxAbsoluteError <= 1e-6, "\(name): \(output): \(comparison)")
        }
    }

    /// Each near miss says why its nodes are not one stacked model.
    @Test(arguments: [
        ("stack-miss-y-output", "is a graph output"),
        ("stack-miss-hidden-sizes", "different hidden sizes (6, 5)"),
        ("stack-miss-transpose", "do not pass its Y on as a stacked layer's input"),
        ("stack-miss-state-passing", "(a final state of an earlier layer) is read before node gru_1 runs"),
        ("stack-miss-directions", "different directions (forward, reverse)"),
        ("stack-partial-hidden-sizes", "different hidden sizes (6, 5)"),
    ])
    func nearMissesSayWhy(_ name: String, _ reason: String) throws {
        let program = try ONNXProgram(ONNXFile.read(contentsOf: ONNXFixture(name).model))
        #expect(program.stackingBreaks.contains { $0.reason.contains(reason) }, "\(name): \(program.stackingBreaks.map(\.reason))")
    }

    /// With T and B symbolic the layout cannot be checked at load: the chain is a candidate
    /// whose non-stacking transpose is found when the graph runs, and its nodes then run alone.
    @Test func dynamicShapesAreCheckedWhenRun() throws {
        let fixture = try ONNXFixture("stack-miss-transpose-dynamic")
        let program = try ONNXProgram(ONNXFile.read(contentsOf: fixture.model))
        #expect(program.stackedPasses.map { Array($0.nodes) } == [[0, 1]])
        #expect(program.stackedPassesCheckedAtLoad == [false])
        var passes: [RecurrentPass] = []
        _ = try program.run(feeds: fixture.feedArrays(for: program)) { pass, problem in
            passes.append(pass)
            return try CPUReference(model: pass.model).run(problem)
        }
        #expect(passes.map(\.nodes) == [0..<1, 1..<2])
    }
}
