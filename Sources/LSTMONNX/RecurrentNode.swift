// One ONNX LSTM or GRU node, imported: its attributes checked, its weights converted to
// this runtime's layer weights (PyTorch's gate order), its activations, clip and
// input_forget read into gate functions, and the names of the values it reads and writes.

import LSTMCore

/// The time direction(s) an ONNX recurrent node runs.
public enum RecurrentDirection: String, Sendable {
    case forward, reverse, bidirectional

    public var count: Int { self == .bidirectional ? 2 : 1 }
}

/// An imported LSTM or GRU node.
public struct RecurrentNode: Sendable {
    public let node: ONNXNode
    /// `LSTM` or `GRU`.
    public var opType: String { node.opType }
    public let direction: RecurrentDirection
    /// 0: X [T, B, I], Y [T, D, B, H]; 1: X [B, T, I], Y [B, T, D, H] (opset 14 and later).
    public let layout: Int
    public let hiddenSize: Int
    public let inputSize: Int
    /// The node's weights as a one-layer model; a `reverse` node is held as a forward model
    /// run over time-reversed sequences.
    public let model: LSTMModel
    /// Attributes as the file gives them, for `lstm inspect`.
    public let attributeSummary: [String]

    /// Names of the node's inputs: X, sequence_lens, initial_h, initial_c (nil when omitted).
    public var sequenceInput: String { node.inputs[0] }
    public var lengthsInput: String? { node.input(4) }
    public var initialHiddenInput: String? { node.input(5) }
    public var initialCellInput: String? { opType == "LSTM" ? node.input(6) : nil }
    /// Names of its outputs: Y, Y_h, Y_c (nil when not requested).
    public var sequenceOutput: String? { node.outputs.first.flatMap { $0.isEmpty ? nil : $0 } }
    public var finalHiddenOutput: String? { node.outputs.count > 1 && !node.outputs[1].isEmpty ? node.outputs[1] : nil }
    public var finalCellOutput: String? { opType == "LSTM" && node.outputs.count > 2 && !node.outputs[2].isEmpty ? node.outputs[2] : nil }

    /// Imports `node`, reading W, R, B (and P) from `constants`.
    ///
    /// - Throws: ``ONNXError/unsupportedNode(node:op:reason:)`` naming the attribute or input
    ///   that cannot be imported.
    init(_ node: ONNXNode, constants: [String: ONNXArray], opset: Int64) throws {
        let context = OperatorContext(node: node, opset: opset)
        let isLSTM = node.opType == "LSTM"
        let gates = isLSTM ? 4 : 3
        self.node = node
        guard node.input(0) != nil else { throw context.fail("input X is missing") }
        func constant(_ index: Int, _ name: String) throws -> ONNXArray? {
            guard let value = node.input(index) else { return nil }
            guard let array = constants[value] else {
                throw context.fail("input \(name) ('\(value)') must be a constant (an initializer or folded at load time); it depends on a graph input")
            }
            guard array.values.isFloat else { throw context.fail("input \(name) is \(array.elementType), not floating point") }
            return array
        }
        guard let w = try constant(1, "W"), let r = try constant(2, "R") else { throw context.fail("inputs W and R are required") }
        let b = try constant(3, "B")
        let p = isLSTM ? try constant(7, "P") : nil

        let known: Set<String> = isLSTM
            ? ["activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "input_forget", "layout"]
            : ["activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "layout", "linear_before_reset"]
        if let unknown = node.attributes.first(where: { !known.contains($0.name) }) {
            throw context.fail("attribute \(unknown.name) is not an attribute of ONNX \(node.opType)")
        }
        let directionText = node.attribute("direction")?.text ?? "forward"
        guard let direction = RecurrentDirection(rawValue: directionText) else {
            throw context.fail("attribute direction '\(directionText)' is not forward, reverse or bidirectional")
        }
        self.direction = direction
        let layout = Int(node.attribute("layout")?.int ?? 0)
        guard layout == 0 || layout == 1 else { throw context.fail("attribute layout \(layout) is not 0 or 1") }
        self.layout = layout

        let directions = direction.count
        guard w.shape.count == 3, r.shape.count == 3, w.shape[0] == directions, r.shape[0] == directions,
              w.shape[1] % gates == 0, w.shape[1] > 0, r.shape[1] == w.shape[1], r.shape[2] * gates == r.shape[1]
        else {
            throw context.fail("W \(w.shape) and R \(r.shape) do not fit \(directions) direction(s) of a \(node.opType) ([D, \(gates)H, I] and [D, \(gates)H, H])")
        }
        let hidden = r.shape[2]
        if let given = node.attribute("hidden_size")?.int, given != Int64(hidden) {
            throw context.fail("attribute hidden_size \(given) does not match R \(r.shape)")
        }
        hiddenSize = hidden
        inputSize = w.shape[2]
        if let b, b.shape != [directions, 2 * gates * hidden] {
            throw context.fail("B has shape \(b.shape), expected [\(directions), \(2 * gates * hidden)]")
        }
        if let p, p.shape != [directions, 3 * hidden] {
            throw context.fail("P has shape \(p.shape), expected [\(directions), \(3 * hidden)]")
        }
        let gateFunctions = try ONNXGateFunctions.read(node, context, directions: directions)
        attributeSummary = node.attributes.map(Self.describe)

        // ONNX LSTM rows are i, o, f, c; PyTorch's are i, f, g(=c), o. ONNX GRU: z, r, h; PyTorch: r, z, n.
        let order = isLSTM ? [0, 2, 3, 1] : [1, 0, 2]
        let linearBeforeReset = node.attribute("linear_before_reset")?.int ?? 0
        guard linearBeforeReset == 0 || linearBeforeReset == 1 else {
            throw context.fail("attribute linear_before_reset \(linearBeforeReset) is not 0 or 1")
        }
        var layer: [LayerWeights] = []
        for d in 0..<directions {
            let gateRows = gates * hidden
            func rows(_ array: ONNXArray, _ offset: Int, width: Int) -> [Float] {
                let values = array.floats
                var result: [Float] = []
                result.reserveCapacity(gateRows * width)
                for gate in order {
                    let start = offset + gate * hidden * width
                    result.append(contentsOf: values[start..<(start + hidden * width)])
                }
                return result
            }
            var weights = LayerWeights(
                inputWeights: rows(w, d * gateRows * inputSize, width: inputSize),
                recurrentWeights: rows(r, d * gateRows * hidden, width: hidden))
            if let b {
                weights.inputBias = rows(b, d * 2 * gateRows, width: 1)
                weights.recurrentBias = rows(b, d * 2 * gateRows + gateRows, width: 1)
            }
            if let p {
                // ONNX P is i, o, f; ours is rows i, f, o.
                let values = p.floats
                let base = d * 3 * hidden
                weights.peepholeWeights = [0, 2, 1].flatMap { values[(base + $0 * hidden)..<(base + ($0 + 1) * hidden)] }
            }
            layer.append(weights)
        }
        var configuration = LSTMConfiguration(
            cell: isLSTM ? .lstm : .gru, inputSize: inputSize, hiddenSize: hidden, layerCount: 1,
            bidirectional: directions == 2, hasBias: b != nil, hasPeepholes: p != nil,
            linearBeforeReset: isLSTM || linearBeforeReset == 1)
        configuration.gateFunctions = gateFunctions
        do {
            model = try LSTMModel(configuration: configuration, layers: [layer])
        } catch {
            throw context.fail("its weights do not form a model: \(error)")
        }
    }

    private static func describe(_ attribute: ONNXAttribute) -> String {
        let value: String
        if let text = attribute.text { value = text }
        else if let int = attribute.int { value = "\(int)" }
        else if let float = attribute.float { value = "\(float)" }
        else if !attribute.strings.isEmpty { value = "[" + attribute.texts.joined(separator: ", ") + "]" }
        else if !attribute.floats.isEmpty { value = "\(attribute.floats)" }
        else if !attribute.ints.isEmpty { value = "\(attribute.ints)" }
        else { value = "(empty)" }
        return "\(attribute.name)=\(value)"
    }
}
