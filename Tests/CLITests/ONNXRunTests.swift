// `lstm run --weights model.onnx` end to end: every graph in Tests/Fixtures/onnx on the CPU
// reference and on OpenCL with --feed/--fetch, the default flag bindings, refusals that
// name the node, malformed files, and `lstm inspect`.
import Foundation
import LSTMCore
import LSTMFormats
import LSTMTestSupport
import Testing

/// One folder of Tests/Fixtures/onnx, seen as `lstm run` arguments.
struct ONNXCLIFixture {
    static let folder = FixtureCase.folder.appendingPathComponent("onnx")
    static let names: [String] = {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent("\($0)/case.json").path) }.sorted()
    }()
    /// The fixtures that run (not refusals).
    static let runnable = names.filter { !$0.hasPrefix("error-") }

    let name: String
    let feeds: [String: String]
    let fetches: [String: String]
    let expectedError: String?
    var base: URL { Self.folder.appendingPathComponent(name) }
    var model: String { base.appendingPathComponent("model.onnx").path }

    init(_ name: String) throws {
        self.name = name
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.folder.appendingPathComponent("\(name)/case.json"))) as? [String: Any] ?? [:]
        feeds = object["feeds"] as? [String: String] ?? [:]
        fetches = object["fetches"] as? [String: String] ?? [:]
        expectedError = object["expect_error"] as? String
    }

    func arguments(device: String, into folder: TemporaryFolder) -> [String] {
        var arguments = ["run", "--weights", model, "--device", device]
        for (input, file) in feeds.sorted(by: { $0.key < $1.key }) { arguments += ["--feed", "\(input)=\(base.appendingPathComponent(file).path)"] }
        for (output, file) in fetches.sorted(by: { $0.key < $1.key }) { arguments += ["--fetch", "\(output)=\(folder.file(file).path)"] }
        if fetches.isEmpty { arguments += ["--output", folder.file("output.npy").path] }
        return arguments
    }

    func compare(in folder: TemporaryFolder) throws -> TensorComparison {
        let parts = try fetches.values.sorted().map { file in
            TensorComparison(try NumpyFile.readFloats(contentsOf: folder.file(file)),
                             try NumpyFile.readFloats(contentsOf: base.appendingPathComponent(file)), tolerance: .external)
        }
        return TensorComparison(merging: parts, tolerance: .external)
    }
}

@Suite("lstm run on ONNX graphs")
struct ONNXRunTests {
    @Test("run --device cpu reproduces onnxruntime (or the spec)", arguments: ONNXCLIFixture.runnable)
    func cpu(name: String) throws {
        try check(ONNXCLIFixture(name), device: "cpu")
    }

    @Test("run --device opencl reproduces onnxruntime (or the spec)", arguments: ONNXCLIFixture.runnable)
    func openCL(name: String) throws {
        try requireOpenCLDevice()
        try check(ONNXCLIFixture(name), device: "opencl")
    }

    private func check(_ fixture: ONNXCLIFixture, device: String) throws {
        let folder = try TemporaryFolder()
        let result = try LSTMBinary.run(fixture.arguments(device: device, into: folder))
        try #require(result.status == 0, "\(fixture.name): \(result)")
        #expect(try folder.contents().count == fixture.fetches.count)
        let comparison = try fixture.compare(in: folder)
        #expect(comparison.passed, "\(fixture.name) on \(device): \(comparison)")
    }

    @Test("refused graphs exit 1 naming the node and write nothing", arguments: ONNXCLIFixture.names.filter { $0.hasPrefix("error-") })
    func refusals(name: String) throws {
        let fixture = try ONNXCLIFixture(name)
        let folder = try TemporaryFolder()
        let result = try LSTMBinary.run(fixture.arguments(device: "cpu", into: folder))
        #expect(result.status == 1, "\(result)")
        #expect(result.standardError.contains("error: node '"), "\(result)")
        #expect(result.standardError.contains(fixture.expectedError ?? "?"), "\(result)")
        #expect(try folder.contents().isEmpty)
    }

    @Test("without --feed/--fetch, --input/--h0/--c0/--output/--h-n/--c-n bind the graph's values")
    func defaultBindings() throws {
        let fixture = try ONNXCLIFixture("torch-lstm-batch-first-states-ts")
        let folder = try TemporaryFolder()
        func feed(_ name: String) -> String { fixture.base.appendingPathComponent(fixture.feeds[name] ?? "?").path }
        let result = try LSTMBinary.run([
            "run", "--weights", fixture.model, "--device", "cpu", "--input", feed("input"), "--h0", feed("h0"), "--c0", feed("c0"),
            "--output", folder.file(fixture.fetches["output"] ?? "?").path, "--h-n", folder.file(fixture.fetches["h_n"] ?? "?").path,
            "--c-n", folder.file(fixture.fetches["c_n"] ?? "?").path,
        ])
        try #require(result.status == 0, "\(result)")
        let comparison = try fixture.compare(in: folder)
        #expect(comparison.passed, "\(comparison)")
    }

    @Test("an ONNX file is recognised by content, whatever its name")
    func recognisedByContent() throws {
        let fixture = try ONNXCLIFixture("node-lstm-forward")
        let copies = try TemporaryFolder()
        let renamed = copies.file("weights.safetensors")
        try FileManager.default.copyItem(atPath: fixture.model, toPath: renamed.path)
        let folder = try TemporaryFolder()
        var arguments = fixture.arguments(device: "cpu", into: folder)
        arguments[2] = renamed.path
        let result = try LSTMBinary.run(arguments)
        try #require(result.status == 0, "\(result)")
        #expect(try fixture.compare(in: folder).passed)
    }

    @Test("binding errors: unknown names, unfed inputs, flags that do not apply")
    func bindingErrors() throws {
        let fixture = try ONNXCLIFixture("node-lstm-opset22-states")
        let folder = try TemporaryFolder()
        let base = fixture.arguments(device: "cpu", into: folder)
        let cases: [([String], String)] = [
            (base + ["--feed", "nope=\(fixture.model)"], "the graph has no input 'nope'"),
            (base + ["--fetch", "nope=\(folder.file("x.npy").path)"], "the graph has no output 'nope'"),
            (["run", "--weights", fixture.model, "--device", "cpu", "--feed", "X=\(fixture.base.appendingPathComponent("feed_0.npy").path)",
              "--output", folder.file("y.npy").path], "graph input 'initial_h'"),
            (base + ["--batch-first"], "--batch-first does not apply"),
            (base + ["--feed", "X=\(fixture.model)"], "'X' is bound twice"),
        ]
        for (arguments, message) in cases {
            let result = try LSTMBinary.run(arguments)
            #expect(result.status != 0 && result.standardError.contains(message), "\(message): \(result)")
            #expect(try folder.contents().isEmpty, "\(message): files left behind")
        }
        let wrongShape = try LSTMBinary.run(["run", "--weights", fixture.model, "--device", "cpu", "--output", folder.file("y.npy").path,
                                              "--input", CLIFixture(name: "torch-bidirectional").path("input.npy"),
                                              "--h0", fixture.base.appendingPathComponent("feed_1.npy").path,
                                              "--c0", fixture.base.appendingPathComponent("feed_2.npy").path])
        #expect(wrongShape.status == 1 && wrongShape.standardError.contains("graph input 'X' has shape"), "\(wrongShape)")
    }

    @Test("a malformed ONNX file exits 1 with a clear error and writes nothing")
    func malformedFile() throws {
        let fixture = try ONNXCLIFixture("node-lstm-forward")
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture.model))
        let copies = try TemporaryFolder()
        for (label, bytes) in [("truncated", data.prefix(data.count / 2)), ("garbage tail", data + Data([0x3A, 0x7F]))] {
            let broken = copies.file("\(label).onnx")
            try bytes.write(to: broken)
            let folder = try TemporaryFolder()
            var arguments = fixture.arguments(device: "cpu", into: folder)
            arguments[2] = broken.path
            let result = try LSTMBinary.run(arguments)
            #expect(result.status == 1 && result.standardError.contains("ONNX file is truncated"), "\(label): \(result)")
            #expect(try folder.contents().isEmpty)
        }
    }

    @Test("inspect prints the cell, layers, sizes, attributes and the graph's inputs and outputs")
    func inspect() throws {
        let result = try LSTMBinary.run(["inspect", try ONNXCLIFixture("node-gru-linear-before-reset").model])
        try #require(result.status == 0, "\(result)")
        for line in ["opset 14", "X: float32 [5, 3, 4]", "sequence_lens: int32 [3]", "Y: float32 [5, 2, 3, 6]", "cell: GRU",
                     "layers: 1", "direction bidirectional, layout 0, input size 4, hidden size 6", "linear_before_reset=1",
                     "--lengths sequence_lens"] {
            #expect(result.standardOutput.contains(line), "missing '\(line)': \(result)")
        }
        let safetensors = try LSTMBinary.run(["inspect", CLIFixture(name: "torch-stacked-bidirectional-projection").path("model.safetensors")])
        #expect(safetensors.status == 0 && safetensors.standardOutput.contains("projection size: 3"), "\(safetensors)")
    }

    @Test("inspect and run say which nodes run as one stacked pass, and why others do not")
    func stackedPasses() throws {
        let stacked = try LSTMBinary.run(["inspect", try ONNXCLIFixture("torch-lstm-3-layers-states-dynamo").model])
        try #require(stacked.status == 0, "\(stacked)")
        #expect(stacked.standardOutput.contains("stacked pass: layers 0-2 ("), "\(stacked)")
        #expect(stacked.standardOutput.contains("run as one 3-layer LSTM pass\n"), "\(stacked)")
        let nearMiss = try LSTMBinary.run(["inspect", try ONNXCLIFixture("stack-miss-hidden-sizes").model])
        #expect(nearMiss.standardOutput.contains("stacked passes: none"), "\(nearMiss)")
        #expect(nearMiss.standardOutput.contains("not stacked: layer 0 and layer 1: different hidden sizes (6, 5)"), "\(nearMiss)")

        try requireOpenCLDevice()
        for (name, message) in [("torch-gru-stacked-bidirectional-batch-first-states-ts", "in 1 pass(es) (nodes 0-1 as one 2-layer pass)"),
                                ("stack-miss-transpose-dynamic", "ran 2 recurrent node(s) in 2 pass(es) on")] {
            let fixture = try ONNXCLIFixture(name)
            let folder = try TemporaryFolder()
            let run = try LSTMBinary.run(fixture.arguments(device: "opencl", into: folder))
            #expect(run.status == 0 && run.standardError.contains(message), "\(name): \(run)")
            #expect(try fixture.compare(in: folder).passed, "\(name)")
        }
    }
}
