// `lstm run` on an ONNX model: binding graph inputs and outputs to .npy files (by --feed and
// --fetch, or by the default flags), importing the graph, running each recurrent node on
// the chosen device, and writing the outputs only after the whole graph ran.
import ArgumentParser
import Foundation
import LSTMBenchmarks
import LSTMONNX
import LSTMRuntime

struct ONNXRun {
    let command: RunCommand

    func run() throws {
        guard command.shard == nil else {
            throw CommandError.notForONNX(flag: "--shard", reason: "sharding is for safetensors models")
        }
        guard !command.batchFirst else {
            throw CommandError.notForONNX(flag: "--batch-first", reason: "the graph's own layout (its Transpose nodes or the layout attribute) decides")
        }
        let file = try ONNXFile.read(contentsOf: URL(fileURLWithPath: command.weights))
        let program = try ONNXProgram(file)
        let (feeds, fetches) = try bindings(program)
        try RunInputs.checkDestinations(fetches.map { ("--fetch \($0.name)", $0.path) })

        var arrays: [String: ONNXArray] = [:]
        for (name, path) in feeds {
            guard let input = program.inputs.first(where: { $0.name == name }) else { continue }
            arrays[name] = try Self.read(path, as: input)
        }
        let options = EngineOptions(
            weightPrecision: command.weightPrecision, deviceMemoryLimit: command.memoryLimit,
            notice: { Terminal.notice($0) })
        let selections = DeviceChoice.selections(command.device)
        guard selections.count == 1, let device = selections.first else {
            throw CommandError.notForONNX(flag: "--device", reason: "an ONNX graph runs on one device; give one --device")
        }
        // One engine per pass, built when the pass first runs: a stacked chain whose layout
        // does not stack at the fed shapes runs its nodes one by one instead.
        var engines: [Range<Int>: LSTMEngine] = [:]
        for pass in program.passes { engines[pass.nodes] = try LSTMEngine(model: pass.model, device: device, options: options) }
        var passes: [RecurrentPass] = []
        let (results, milliseconds) = try measure {
            try program.run(feeds: arrays) { pass, problem in
                let engine = try engines[pass.nodes] ?? LSTMEngine(model: pass.model, device: device, options: options)
                engines[pass.nodes] = engine
                passes.append(pass)
                return try engine.run(problem)
            }
        }
        for (name, path) in fetches {
            guard let array = results[name] else { continue }
            try NumpyFile.write(try Tensor(shape: array.shape, values: array.floats), to: URL(fileURLWithPath: path))
        }
        let backend = engines.values.first?.backendName ?? "the host"
        let stacked = passes.filter(\.isStacked).map { "nodes \($0.nodes.lowerBound)-\($0.nodes.upperBound - 1) as one \($0.nodes.count)-layer pass" }
        Terminal.standardError(
            "ran \(program.recurrentNodes.count) recurrent node(s) in \(passes.count) pass(es)\(stacked.isEmpty ? "" : " (\(stacked.joined(separator: ", ")))") on \(backend) in \(Format.milliseconds(milliseconds)) ms; wrote \(fetches.map { "\($0.name) \(results[$0.name]?.shape ?? [])" }.joined(separator: ", "))")
    }

    /// The graph inputs to read and the outputs to write, from --feed/--fetch and the
    /// default flags; every graph input must end up fed.
    private func bindings(_ program: ONNXProgram) throws -> (feeds: [(name: String, path: String)], fetches: [(name: String, path: String)]) {
        let defaults = program.defaultBindings
        var feeds = try Self.parse(command.feeds, flag: "--feed")
        var fetches = try Self.parse(command.fetches, flag: "--fetch")
        func add(_ path: String?, _ flag: String, to list: inout [(name: String, path: String)], name: String?, what: String) throws {
            guard let path else { return }
            guard let name else {
                throw CommandError.notForONNX(flag: flag, reason: "the graph has no \(what); name the graph value with \(list.isEmpty ? "--feed/--fetch" : "--feed/--fetch") NAME=PATH")
            }
            guard !list.contains(where: { $0.name == name }) else {
                throw CommandError.badBinding(flag: flag, text: path, reason: "graph value '\(name)' is already bound by --feed/--fetch")
            }
            list.append((name, path))
        }
        try add(command.input, "--input", to: &feeds, name: defaults.input, what: "input")
        try add(command.initialHidden, "--h0", to: &feeds, name: defaults.initialHidden, what: "graph input reaching the recurrent node's initial_h")
        try add(command.initialCell, "--c0", to: &feeds, name: defaults.initialCell, what: "graph input reaching the recurrent node's initial_c")
        try add(command.lengths, "--lengths", to: &feeds, name: defaults.lengths, what: "graph input reaching the recurrent node's sequence_lens")
        try add(command.output, "--output", to: &fetches, name: defaults.output, what: "output")
        try add(command.finalHidden, "--h-n", to: &fetches, name: defaults.finalHidden, what: "graph output computed from the recurrent node's Y_h")
        try add(command.finalCell, "--c-n", to: &fetches, name: defaults.finalCell, what: "graph output computed from the recurrent node's Y_c")

        let inputNames = program.inputs.map(\.name)
        for (name, path) in feeds where !inputNames.contains(name) {
            throw CommandError.badBinding(flag: "--feed", text: "\(name)=\(path)", reason: "the graph has no input '\(name)' (inputs: \(inputNames.joined(separator: ", ")))")
        }
        for input in program.inputs where !feeds.contains(where: { $0.name == input.name }) {
            throw ONNXError.binding("graph input '\(input.name)' \(input.shapeText) is not fed: give --feed \(input.name)=PATH")
        }
        let outputNames = program.outputs.map(\.name)
        for (name, path) in fetches where !outputNames.contains(name) {
            throw CommandError.badBinding(flag: "--fetch", text: "\(name)=\(path)", reason: "the graph has no output '\(name)' (outputs: \(outputNames.joined(separator: ", ")))")
        }
        guard !fetches.isEmpty else {
            throw ValidationError("nothing to write: give --output or --fetch NAME=PATH (outputs: \(outputNames.joined(separator: ", ")))")
        }
        return (feeds, fetches)
    }

    /// `NAME=PATH` pairs; a name may be bound once. The last `=` splits, so names may hold `=`.
    static func parse(_ texts: [String], flag: String) throws -> [(name: String, path: String)] {
        var result: [(name: String, path: String)] = []
        for text in texts {
            guard let split = text.firstIndex(of: "=") else {
                throw ValidationError("\(flag) \(text): expected NAME=PATH")
            }
            let name = String(text[..<split]), path = String(text[text.index(after: split)...])
            guard !name.isEmpty, !path.isEmpty else { throw ValidationError("\(flag) \(text): expected NAME=PATH") }
            guard !result.contains(where: { $0.name == name }) else {
                throw CommandError.badBinding(flag: flag, text: text, reason: "'\(name)' is bound twice")
            }
            result.append((name, path))
        }
        return result
    }

    /// A .npy file as the array a graph input takes: integers for integer inputs, else floats.
    static func read(_ path: String, as input: ONNXValueInfo) throws -> ONNXArray {
        let url = URL(fileURLWithPath: path)
        if let type = ONNXElementType(rawValue: input.elementType), !type.isFloatingPoint {
            let (shape, values) = try NumpyFile.readIntegers(contentsOf: url)
            return ONNXArray(shape: shape, integers: values.map { Int64($0) }, type: type)
        }
        let tensor = try NumpyFile.readFloats(contentsOf: url)
        return ONNXArray(shape: tensor.shape, floats: tensor.values)
    }
}
