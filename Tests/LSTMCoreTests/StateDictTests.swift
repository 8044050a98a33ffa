// State-dict inference: round trips of random models, PyTorch's names and shapes, and one
// test per error with the ModelError case and tensor name it must produce.
import Testing
import LSTMCore

private let roundTripConfigurations: [LSTMConfiguration] = {
    var configurations: [LSTMConfiguration] = []
    for layers in [1, 3] {
        for switches in 0..<16 {
            let projected = switches & 2 != 0
            configurations.append(LSTMConfiguration(
                inputSize: 3 + switches % 3, hiddenSize: 5, projectionSize: projected ? 2 : 0,
                layerCount: layers, bidirectional: switches & 1 != 0,
                hasBias: switches & 4 == 0, hasPeepholes: switches & 8 != 0))
        }
    }
    return configurations
}()

/// A bidirectional two-layer model with projection, biases and peepholes: every kind of tensor.
private func fullStateDict() throws -> [String: Tensor] {
    let configuration = LSTMConfiguration(
        inputSize: 3, hiddenSize: 4, projectionSize: 2, layerCount: 2, bidirectional: true, hasPeepholes: true)
    return try LSTMModel.random(configuration, seed: 5).stateDict()
}

private func expectError(
    _ expected: ModelError, from stateDict: [String: Tensor], sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(throws: expected, sourceLocation: sourceLocation) { try LSTMModel(stateDict: stateDict) }
}

/// The `inconsistent` message that must name the tensor and show its shape.
private func expectInconsistent(
    naming name: String, shape: [Int], from stateDict: [String: Tensor],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        _ = try LSTMModel(stateDict: stateDict)
        Issue.record("expected an error naming \(name)", sourceLocation: sourceLocation)
    } catch let ModelError.inconsistent(message) {
        #expect(message.contains("'\(name)'") && message.contains("\(shape)"), "\(message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected ModelError.inconsistent naming \(name), got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("State-dict inference")
struct StateDictTests {
    @Test(arguments: roundTripConfigurations)
    func roundTripRecoversModelAndConfiguration(_ configuration: LSTMConfiguration) throws {
        let model = try LSTMModel.random(configuration, seed: 77)
        let rebuilt = try LSTMModel(stateDict: model.stateDict())
        #expect(rebuilt.configuration == configuration)
        #expect(rebuilt == model)
        #expect(rebuilt.stateDict() == model.stateDict())
    }

    @Test func namesAndShapesAreThoseOfTorchLSTM() throws {
        let stateDict = try fullStateDict()
        var expected: [String: [Int]] = [:]
        for suffix in ["", "_reverse"] {
            expected["weight_ih_l0" + suffix] = [16, 3]
            expected["weight_ih_l1" + suffix] = [16, 4]  // D · P
            for layer in 0..<2 {
                expected["weight_hh_l\(layer)" + suffix] = [16, 2]
                expected["bias_ih_l\(layer)" + suffix] = [16]
                expected["bias_hh_l\(layer)" + suffix] = [16]
                expected["weight_hr_l\(layer)" + suffix] = [2, 4]
                expected["weight_peephole_l\(layer)" + suffix] = [3, 4]
            }
        }
        #expect(stateDict.mapValues(\.shape) == expected)
    }

    @Test func randomIsSeededAndBounded() throws {
        let configuration = LSTMConfiguration(inputSize: 7, hiddenSize: 16, bidirectional: true, hasPeepholes: true)
        let first = try LSTMModel.random(configuration, seed: 3)
        #expect(try LSTMModel.random(configuration, seed: 3) == first)
        #expect(try LSTMModel.random(configuration, seed: 4) != first)
        let values = first.stateDict().values.flatMap(\.values)
        #expect(values.allSatisfy { abs($0) <= 0.25 })  // 1/√16
        #expect(values.contains { abs($0) > 0.2 })
        let peepholes = first.layers[0][1].peepholeWeights ?? []
        #expect(peepholes.count == 48 && peepholes.contains { $0 != 0 })
        let scaled = try LSTMModel.random(configuration, seed: 3, scale: 0.01).stateDict().values.flatMap(\.values)
        #expect(scaled.allSatisfy { abs($0) <= 0.01 })
        #expect(throws: ModelError.self) { try LSTMModel.random(configuration, seed: 3, scale: -1) }
        #expect(throws: ModelError.self) { try LSTMModel.random(configuration, seed: 3, scale: .nan) }
        #expect(throws: ModelError.self) { try LSTMModel.random(LSTMConfiguration(inputSize: 0, hiddenSize: 4), seed: 3) }
    }

    // MARK: - Errors

    @Test func emptyDictionaryMissesFirstWeight() {
        expectError(.missingTensor(name: "weight_ih_l0"), from: [:])
    }

    @Test func gapInLayersNamesFirstMissingLayer() throws {
        let configuration = LSTMConfiguration(inputSize: 3, hiddenSize: 4, layerCount: 3)
        var stateDict = try LSTMModel.random(configuration, seed: 1).stateDict()
        for kind in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"] { stateDict["\(kind)_l1"] = nil }
        expectError(.missingTensor(name: "weight_ih_l1"), from: stateDict)
    }

    @Test(arguments: [
        "weight_ih_l1", "weight_hh_l0_reverse", "bias_hh_l1", "bias_ih_l0_reverse",
        "weight_hr_l1_reverse", "weight_peephole_l1", "weight_hh_l0", "weight_ih_l0",
    ])
    func anyMissingTensorIsNamed(_ name: String) throws {
        var stateDict = try fullStateDict()
        stateDict[name] = nil
        expectError(.missingTensor(name: name), from: stateDict)
    }

    @Test func hugeLayerNumberIsAGapNotAnOverflow() throws {
        var stateDict = try fullStateDict()
        stateDict["weight_ih_l\(Int.max)"] = try Tensor(shape: [16, 4], values: Array(repeating: 0, count: 64))
        expectError(.missingTensor(name: "weight_ih_l2"), from: stateDict)
    }

    @Test func inputColumnsOfUpperLayerMustBeDirectionsTimesOutput() throws {
        var stateDict = try fullStateDict()
        stateDict["weight_ih_l1"] = try Tensor(shape: [16, 2], values: Array(repeating: 0.5, count: 32))
        expectError(.wrongShape(name: "weight_ih_l1", shape: [16, 2], expected: [16, 4]), from: stateDict)
    }

    @Test(arguments: [
        ("weight_hh_l1_reverse", [16, 3], [16, 2]),
        ("bias_ih_l1", [15], [16]),
        ("weight_hr_l0_reverse", [2, 5], [2, 4]),
        ("weight_hr_l0", [2, 5], [2, 4]),
        ("weight_peephole_l0", [4, 4], [3, 4]),
        ("weight_hh_l0", [16, 4], [16, 2]),
        ("weight_ih_l0_reverse", [16, 4], [16, 3]),
    ])
    func misshapenTensorIsNamedWithItsShape(name: String, shape: [Int], expected: [Int]) throws {
        var stateDict = try fullStateDict()
        stateDict[name] = try Tensor(shape: shape, values: Array(repeating: 0.25, count: shape.reduce(1, *)))
        expectError(.wrongShape(name: name, shape: shape, expected: expected), from: stateDict)
    }

    @Test(arguments: [
        ("bias_hh_l1", [1, 16], [16]),
        ("weight_peephole_l1_reverse", [12], [3, 4]),
        ("weight_hh_l1", [16, 2, 1], [16, 2]),
    ])
    func wrongRankIsAWrongShape(name: String, shape: [Int], expected: [Int]) throws {
        var stateDict = try fullStateDict()
        let values = stateDict[name]?.values ?? []
        stateDict[name] = try Tensor(shape: shape, values: values)
        expectError(.wrongShape(name: name, shape: shape, expected: expected), from: stateDict)
    }

    @Test(arguments: ["weight_peephole", "bias_ih", "bias_hh", "weight_hr"])
    func partPresentOnOnlySomeCellsIsMissingElsewhere(kind: String) throws {
        var stateDict = try fullStateDict()
        // Keep the part only on layer 0's forward cell.
        stateDict["\(kind)_l0_reverse"] = nil
        stateDict["\(kind)_l1"] = nil
        stateDict["\(kind)_l1_reverse"] = nil
        expectError(.missingTensor(name: "\(kind)_l0_reverse"), from: stateDict)
    }

    @Test func reverseOnOnlySomeLayersIsMissingElsewhere() throws {
        var stateDict = try fullStateDict()
        for kind in ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr", "weight_peephole"] {
            stateDict["\(kind)_l1_reverse"] = nil
        }
        expectError(.missingTensor(name: "weight_ih_l1_reverse"), from: stateDict)
    }

    @Test(arguments: [
        "lstm.weight_ih_l0", "weight_ih_l01", "weight_ih_l", "weight_ih_l-1", "weight_ih_l+1", "weight_ih_l0_backward",
        "weight_ih_l0_reverse_reverse", "weight_xh_l0", "bias_l0", "weight_ih_l0 ", "WEIGHT_IH_L0", "proj_size",
    ])
    func unknownNameIsUnexpected(_ name: String) throws {
        var stateDict = try fullStateDict()
        stateDict[name] = try Tensor(shape: [1], values: [0])
        expectError(.unexpectedTensor(name: name), from: stateDict)
    }

    @Test func sizeDefiningTensorsWithWrongRankAreNamed() throws {
        var stateDict = try fullStateDict()
        stateDict["weight_hh_l0"] = try Tensor(shape: [32], values: Array(repeating: 0, count: 32))
        expectInconsistent(naming: "weight_hh_l0", shape: [32], from: stateDict)

        stateDict = try fullStateDict()
        stateDict["weight_ih_l0"] = try Tensor(shape: [16, 3, 1], values: Array(repeating: 0, count: 48))
        expectInconsistent(naming: "weight_ih_l0", shape: [16, 3, 1], from: stateDict)

        stateDict = try fullStateDict()
        stateDict["weight_hr_l0"] = try Tensor(shape: [8], values: Array(repeating: 0, count: 8))
        expectInconsistent(naming: "weight_hr_l0", shape: [8], from: stateDict)
    }

    @Test(arguments: [[0, 2], [10, 2], [7, 2]])
    func recurrentRowsMustBeAPositiveMultipleOfFour(shape: [Int]) throws {
        var stateDict = try fullStateDict()
        stateDict["weight_hh_l0"] = try Tensor(shape: shape, values: Array(repeating: 0, count: shape.reduce(1, *)))
        expectInconsistent(naming: "weight_hh_l0", shape: shape, from: stateDict)
    }

    @Test func zeroInputSizeIsNamed() throws {
        var stateDict = try fullStateDict()
        stateDict["weight_ih_l0"] = try Tensor(shape: [16, 0], values: [])
        expectInconsistent(naming: "weight_ih_l0", shape: [16, 0], from: stateDict)
    }

    @Test(arguments: [[4, 4], [5, 4], [0, 4]])
    func projectionMustBeSmallerThanHidden(shape: [Int]) throws {
        var stateDict = try fullStateDict()
        stateDict["weight_hr_l0"] = try Tensor(shape: shape, values: Array(repeating: 0, count: shape.reduce(1, *)))
        expectInconsistent(naming: "weight_hr_l0", shape: shape, from: stateDict)
    }

    @Test func errorMessagesNameTensorAndShapes() {
        let error = ModelError.wrongShape(name: "weight_ih_l1", shape: [16, 2], expected: [16, 4])
        #expect(error.description.contains("weight_ih_l1") && error.description.contains("[16, 2]") && error.description.contains("[16, 4]"))
    }
}
