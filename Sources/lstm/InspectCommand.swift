// `lstm inspect MODEL`: what a model file holds. For safetensors: the cell, layers, sizes and
// variant switches inferred from the tensor names. For ONNX: the opset, the graph's inputs
// and outputs with their shapes, and each LSTM/GRU node with its sizes and attributes.
import ArgumentParser
import Foundation
import LSTMONNX
import LSTMRuntime

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Describe a model file (safetensors or ONNX): cell, layers, sizes, attributes, graph inputs and outputs.")

    @Argument(help: "The model file.")
    var model: String

    func run() throws {
        if try WeightsFile.isONNX(model) {
            try describeONNX()
        } else {
            let loaded = try LSTMModel(stateDict: SafeTensors.read(contentsOf: URL(fileURLWithPath: model)))
            Terminal.print("\(model): safetensors state dict")
            describe(loaded.configuration, indent: "")
        }
    }

    private func describe(_ configuration: LSTMConfiguration, indent: String) {
        Terminal.print("\(indent)cell: \(configuration.cell)")
        Terminal.print("\(indent)layers: \(configuration.layerCount)")
        Terminal.print("\(indent)directions: \(configuration.directionCount)\(configuration.bidirectional ? " (bidirectional)" : "")")
        Terminal.print("\(indent)input size: \(configuration.inputSize)")
        Terminal.print("\(indent)hidden size: \(configuration.hiddenSize)")
        if configuration.projectionSize > 0 { Terminal.print("\(indent)projection size: \(configuration.projectionSize)") }
        Terminal.print("\(indent)bias: \(configuration.hasBias ? "yes" : "no")")
        if configuration.cell == .lstm { Terminal.print("\(indent)peepholes: \(configuration.hasPeepholes ? "yes" : "no")") }
        if configuration.cell == .gru { Terminal.print("\(indent)linear before reset: \(configuration.linearBeforeReset ? "yes" : "no")") }
    }

    private func describeONNX() throws {
        let file = try ONNXFile.read(contentsOf: URL(fileURLWithPath: model))
        let program = try ONNXProgram(file)
        let producer = file.model.producer.isEmpty ? "" : ", produced by \(file.model.producer)"
        Terminal.print("\(model): ONNX graph '\(file.graph.name)', IR version \(file.model.irVersion), opset \(program.opset)\(producer)")
        Terminal.print("inputs:")
        for input in program.inputs { Terminal.print("  \(input.name): \(Self.typeName(input.elementType)) \(input.shapeText)") }
        Terminal.print("outputs:")
        for output in program.outputs { Terminal.print("  \(output.name): \(Self.typeName(output.elementType)) \(output.shapeText)") }
        let cells = Set(program.recurrentNodes.map(\.opType)).sorted().joined(separator: ", ")
        Terminal.print("cell: \(cells.isEmpty ? "none" : cells)")
        Terminal.print("layers: \(program.recurrentNodes.count) recurrent node(s)")
        for (index, node) in program.recurrentNodes.enumerated() {
            Terminal.print("layer \(index): node '\(node.node.displayName)' (\(node.opType)), direction \(node.direction.rawValue), layout \(node.layout), input size \(node.inputSize), hidden size \(node.hiddenSize)")
            let configuration = node.model.configuration
            Terminal.print("  bias: \(configuration.hasBias ? "yes" : "no")\(node.opType == "LSTM" ? ", peepholes: \(configuration.hasPeepholes ? "yes" : "no")" : ", linear_before_reset: \(configuration.linearBeforeReset ? 1 : 0)")")
            Terminal.print("  attributes: \(node.attributeSummary.isEmpty ? "(none)" : node.attributeSummary.joined(separator: ", "))")
            Terminal.print("  gate functions: \(configuration.gateFunctions.isStandard ? "standard (" : "")\(configuration.gateFunctions)\(configuration.gateFunctions.isStandard ? ")" : "")")
        }
        describeStacking(program)
        let defaults = program.defaultBindings
        let pairs: [(String, String?)] = [
            ("--input", defaults.input), ("--h0", defaults.initialHidden), ("--c0", defaults.initialCell),
            ("--lengths", defaults.lengths), ("--output", defaults.output), ("--h-n", defaults.finalHidden),
            ("--c-n", defaults.finalCell),
        ]
        let bound = pairs.compactMap { flag, name in name.map { "\(flag) \($0)" } }
        Terminal.print("default bindings of lstm run: \(bound.joined(separator: ", "))")
    }

    /// Which nodes run as one stacked pass (their layers' outputs stay on the device), and why
    /// neighbours that do not, do not.
    private func describeStacking(_ program: ONNXProgram) {
        let nodes = program.recurrentNodes
        guard nodes.count > 1 else { return }
        let passes = zip(program.stackedPasses, program.stackedPassesCheckedAtLoad)
        if program.stackedPasses.isEmpty { Terminal.print("stacked passes: none (every node runs as its own pass)") }
        for (pass, checked) in passes {
            let names = pass.nodes.map { "'\(nodes[$0].node.displayName)'" }.joined(separator: ", ")
            let when = checked ? "" : " when the layout between them stacks at the fed shape (T and B are not fixed; else node by node)"
            Terminal.print("stacked pass: layers \(pass.nodes.lowerBound)-\(pass.nodes.upperBound - 1) (\(names)) run as one \(pass.nodes.count)-layer \(pass.model.configuration.cell) pass\(when)")
        }
        for gap in program.stackingBreaks {
            Terminal.print("  not stacked: layer \(gap.node) and layer \(gap.node + 1): \(gap.reason)")
        }
    }

    private static func typeName(_ raw: Int32) -> String {
        ONNXElementType(rawValue: raw)?.description ?? "type \(raw)"
    }
}
