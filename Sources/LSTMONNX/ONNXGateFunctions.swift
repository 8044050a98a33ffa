// Reading an ONNX LSTM or GRU node's `activations`, `activation_alpha`, `activation_beta`,
// `clip` and `input_forget` into the runtime's GateFunctions.

import LSTMCore

enum ONNXGateFunctions {
    /// The node's gate functions; one set for all its directions.
    ///
    /// alpha and beta are consumed in the order of the activations, one per activation that
    /// takes it, as onnxruntime reads them; where they run out, the defaults are those of the
    /// ONNX operator of the same name (LeakyRelu 0.01, ThresholdedRelu 1, Elu 1, HardSigmoid
    /// 0.2 and 0.5, Affine 1 and 0, ScaledTanh 1 and 1).
    ///
    /// - Throws: ``ONNXError/unsupportedNode(node:op:reason:)`` naming the attribute.
    static func read(_ node: ONNXNode, _ context: OperatorContext, directions: Int) throws -> GateFunctions {
        let isLSTM = node.opType == "LSTM"
        let perDirection = isLSTM ? 3 : 2
        var functions = GateFunctions.standard
        if let attribute = node.attribute("activations") {
            let names = attribute.texts
            guard names.count == perDirection * directions else {
                throw context.fail("attribute activations \(names) must name \(perDirection) functions per direction (\(perDirection * directions) in all)")
            }
            var alphas = node.attribute("activation_alpha")?.floats[...] ?? []
            var betas = node.attribute("activation_beta")?.floats[...] ?? []
            var parsed: [GateActivation] = []
            for name in names {
                parsed.append(try activation(name, alphas: &alphas, betas: &betas, context))
            }
            let sets = stride(from: 0, to: parsed.count, by: perDirection).map { Array(parsed[$0..<($0 + perDirection)]) }
            guard sets.allSatisfy({ $0 == sets[0] }) else {
                throw context.fail("attribute activations \(names): different functions per direction are not supported")
            }
            functions.f = sets[0][0]
            functions.g = sets[0][1]
            if isLSTM { functions.h = sets[0][2] }
        }
        if let attribute = node.attribute("clip") {
            guard let clip = attribute.float, clip.isFinite, clip > 0 else {
                throw context.fail("attribute clip must be a positive finite float, got \(attribute.float.map { "\($0)" } ?? "no float")")
            }
            functions.clip = clip
        }
        if let forget = node.attribute("input_forget")?.int {
            guard isLSTM, forget == 0 || forget == 1 else { throw context.fail("attribute input_forget \(forget) is not 0 or 1") }
            functions.coupledInputForget = forget == 1
        }
        return functions
    }

    private static func activation(
        _ name: String, alphas: inout ArraySlice<Float>, betas: inout ArraySlice<Float>, _ context: OperatorContext
    ) throws -> GateActivation {
        func next(_ values: inout ArraySlice<Float>, default value: Float) throws -> Float {
            guard let first = values.popFirst() else { return value }
            guard first.isFinite else { throw context.fail("activation_alpha/activation_beta value \(first) is not finite") }
            return first
        }
        switch name.lowercased() {
        case "sigmoid": return .sigmoid
        case "tanh": return .tanh
        case "relu": return .relu
        case "softsign": return .softsign
        case "softplus": return .softplus
        case "affine": return .affine(alpha: try next(&alphas, default: 1), beta: try next(&betas, default: 0))
        case "leakyrelu": return .leakyRelu(alpha: try next(&alphas, default: 0.01))
        case "thresholdedrelu": return .thresholdedRelu(alpha: try next(&alphas, default: 1))
        case "scaledtanh": return .scaledTanh(alpha: try next(&alphas, default: 1), beta: try next(&betas, default: 1))
        case "hardsigmoid": return .hardSigmoid(alpha: try next(&alphas, default: 0.2), beta: try next(&betas, default: 0.5))
        case "elu": return .elu(alpha: try next(&alphas, default: 1))
        default:
            throw context.fail("attribute activations: '\(name)' is not an ONNX recurrent activation (Sigmoid, Tanh, Relu, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus)")
        }
    }
}
