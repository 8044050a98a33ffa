// An ONNX graph imported for running: constant subgraphs folded at load, LSTM and GRU nodes
// turned into layer weights, and the remaining layout nodes kept to run on the host around
// them. Not a general executor: any operator outside the imported set is refused by name.

import LSTMCore

/// Runs one pass (a recurrent node, or a stacked chain of them) over a prepared problem of
/// the pass's model.
public typealias RecurrentRunner = (_ pass: RecurrentPass, _ problem: ForwardProblem) throws -> ForwardResult

/// An imported ONNX graph.
public struct ONNXProgram: Sendable {
    enum Step: Sendable {
        case layout(ONNXNode)
        case recurrent(Int)
    }

    public let file: ONNXFile
    public let opset: Int64
    /// The LSTM and GRU nodes, in graph order.
    public let recurrentNodes: [RecurrentNode]
    /// The graph inputs a caller feeds (initializers excluded), in graph order.
    public var inputs: [ONNXValueInfo] { file.feedInputs }
    /// The graph outputs, in graph order.
    public var outputs: [ONNXValueInfo] { file.graph.outputs }
    /// The chains of nodes that run as one stacked pass (when the fed shapes keep them stacked).
    public var stackedPasses: [RecurrentPass] { stackedChains.map(\.pass) }
    /// For each of ``stackedPasses``: whether its layout was checked at load, at the graph's
    /// fixed input shape (else it is checked for each fed shape, and runs node by node where
    /// it does not stack).
    public var stackedPassesCheckedAtLoad: [Bool] { stackedChains.map(\.checkedAtLoad) }
    /// The passes a run makes, in order, when every stacked chain stacks at the fed shapes:
    /// each chain as one pass, every other node alone.
    public var passes: [RecurrentPass] {
        var passes: [RecurrentPass] = []
        var index = 0
        while index < recurrentNodes.count {
            if let chain = stackedChains.first(where: { $0.first == index }) {
                passes.append(chain.pass)
                index = chain.last + 1
            } else {
                passes.append(RecurrentPass(nodes: index..<(index + 1), model: recurrentNodes[index].model))
                index += 1
            }
        }
        return passes
    }
    /// Why each pair of neighbouring recurrent nodes that is not chained is not.
    public let stackingBreaks: [StackingBreak]
    let stackedChains: [StackedChain]
    let constants: [String: ONNXArray]
    let steps: [Step]

    /// The default-domain opsets whose LSTM, GRU and layout operators are imported.
    public static let supportedOpsets: ClosedRange<Int64> = 7...22

    /// Imports `file`: folds constants, checks every node, and finds the chains of nodes that
    /// form one stacked model (unless `stacking` is false: then every node runs alone).
    ///
    /// - Throws: ``ONNXError``: an unsupported opset or operator (naming the node), or a
    ///   recurrent node with an attribute this runtime does not implement.
    public init(_ file: ONNXFile, stacking: Bool = true) throws {
        self.file = file
        guard let opset = file.model.defaultOpset else {
            throw ONNXError.invalidGraph(path: file.source, reason: "the model imports no default-domain (ai.onnx) opset")
        }
        guard Self.supportedOpsets.contains(opset) else {
            throw ONNXError.invalidGraph(path: file.source, reason: "opset \(opset) is not supported (this runtime imports opsets \(Self.supportedOpsets.lowerBound) to \(Self.supportedOpsets.upperBound))")
        }
        self.opset = opset
        var constants = file.initializers
        var steps: [Step] = []
        var recurrent: [RecurrentNode] = []
        for index in file.order {
            let node = file.graph.nodes[index]
            guard node.domain.isEmpty || node.domain == "ai.onnx" else {
                throw ONNXError.unsupportedNode(node: node.displayName, op: "\(node.domain).\(node.opType)", reason: "operators outside the default ONNX domain are not imported")
            }
            if node.opType == "LSTM" || node.opType == "GRU" {
                recurrent.append(try RecurrentNode(node, constants: constants, opset: opset))
                steps.append(.recurrent(recurrent.count - 1))
                continue
            }
            guard ONNXOperators.supported.contains(node.opType) else {
                throw ONNXError.unsupportedNode(
                    node: node.displayName, op: node.opType,
                    reason: "not an operator this runtime imports (it runs LSTM and GRU, with \(ONNXOperators.supported.sorted().joined(separator: ", ")) around them)")
            }
            let present = node.inputs.filter { !$0.isEmpty }
            if present.allSatisfy({ constants[$0] != nil }) {
                let results = try ONNXOperators.evaluate(node, inputs: node.inputs.map { $0.isEmpty ? nil : constants[$0] }, opset: opset, source: file.source)
                for (name, value) in zip(node.outputs, results) where !name.isEmpty { constants[name] = value }
            } else {
                steps.append(.layout(node))
            }
        }
        self.constants = constants
        self.steps = steps
        self.recurrentNodes = recurrent
        if stacking {
            var declared: [String: [Int]] = [:]
            for input in file.feedInputs {
                let sizes = input.shape?.compactMap { dim -> Int? in if case .size(let size) = dim, size > 0 { return Int(size) } else { return nil } }
                if let sizes, sizes.count == input.shape?.count { declared[input.name] = sizes }
            }
            (stackedChains, stackingBreaks) = StackedChains.find(
                steps: steps, nodes: recurrent, constants: constants, graphOutputs: Set(file.graph.outputs.map(\.name)),
                declaredShapes: declared, opset: opset)
        } else {
            (stackedChains, stackingBreaks) = ([], [])
        }
    }

    /// Checks a fed array against the graph input's declared rank, fixed sizes and kind.
    static func check(_ array: ONNXArray, against input: ONNXValueInfo) throws {
        if let declared = ONNXElementType(rawValue: input.elementType), declared.isFloatingPoint != array.values.isFloat {
            throw ONNXError.binding("graph input '\(input.name)' is \(declared) but the fed array is \(array.elementType)")
        }
        guard let shape = input.shape else { return }
        guard shape.count == array.shape.count else {
            throw ONNXError.binding("graph input '\(input.name)' has shape \(input.shapeText) but the fed array has shape \(array.shape)")
        }
        for (dim, size) in zip(shape, array.shape) {
            if case .size(let fixed) = dim, fixed != Int64(size) {
                throw ONNXError.binding("graph input '\(input.name)' has shape \(input.shapeText) but the fed array has shape \(array.shape)")
            }
        }
    }
}
