// Malformed and hostile ONNX files: each gets the typed error that names what is wrong,
// never a crash or a silent success.
import Foundation
import LSTMONNX
import Testing

@Suite struct ONNXMalformedTests {
    /// Decodes `data` and returns the error, failing the test if it decodes.
    func rejection(_ data: Data, folder: URL? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> ONNXError? {
        do {
            _ = try ONNXProgram(ONNXFile.decode(data, source: "test.onnx", folder: folder))
            Issue.record("decoded, but should have been rejected", sourceLocation: sourceLocation)
        } catch let error as ONNXError {
            return error
        } catch {
            Issue.record("threw \(type(of: error)) instead of ONNXError: \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    /// A valid graph: Y = Identity(X) with an initializer `W`, written by `writeInitializer`.
    func identityModel(initializer: ((inout ProtobufWriter) -> Void)? = nil) -> Data {
        ONNXBuilder.model { graph in
            graph.message(1, ONNXBuilder.node("Identity", inputs: ["X"], outputs: ["Y"], name: "id"))
            if let initializer { graph.message(5, initializer) }
            graph.message(11, ONNXBuilder.valueInfo("X", dims: [2]))
            graph.message(12, ONNXBuilder.valueInfo("Y", dims: [2]))
        }
    }

    @Test func validModelDecodes() throws {
        let file = try ONNXFile.decode(identityModel(initializer: ONNXBuilder.floatTensor("W", dims: [2], values: [1, 2])), source: "ok.onnx")
        #expect(file.initializers["W"] == ONNXArray(shape: [2], floats: [1, 2]))
        let typed = try ONNXFile.decode(identityModel(initializer: ONNXBuilder.floatTensor("W", dims: [2], values: [3, 4], typed: true)), source: "ok.onnx")
        #expect(typed.initializers["W"] == ONNXArray(shape: [2], floats: [3, 4]))
        let program = try ONNXProgram(file)
        let out = try program.run(feeds: ["X": ONNXArray(shape: [2], floats: [5, 6])]) { _, _ in throw TestFailure("no recurrent node") }
        #expect(out["Y"] == ONNXArray(shape: [2], floats: [5, 6]))
    }

    @Test func everyTruncationIsRejected() throws {
        let data = identityModel(initializer: ONNXBuilder.floatTensor("W", dims: [2], values: [1, 2]))
        var truncated = 0
        for length in 0..<data.count {
            guard let error = rejection(data.prefix(length)) else { continue }
            if case .truncated = error { truncated += 1 }
        }
        // Cuts at a field boundary are well-formed prefixes (a graph missing parts); most are not.
        #expect(truncated > data.count / 2)
    }

    @Test func lengthPastTheEnd() {
        var writer = ProtobufWriter()
        writer.int(1, 8)
        writer.key(7, 2)
        writer.varint(1000)
        let error = rejection(writer.data + Data([0x0A, 0x00]))
        #expect(error?.description.contains("truncated") == true, "\(String(describing: error))")
    }

    @Test func overlongVarintAndGroups() {
        let overlong = Data([0x08] + Array(repeating: 0xFF, count: 10) + [0x01])
        #expect(rejection(overlong)?.description.contains("longer than 64 bits") == true)
        let group = Data([0x0B, 0x0C])
        #expect(rejection(group)?.description.contains("wire type") == true)
        let wrongWire = Data([0x3D, 0, 0, 0, 0])  // graph (7) as a 32-bit value
        #expect(rejection(wrongWire)?.description.contains("field graph") == true)
    }

    @Test func notAModel() {
        #expect(rejection(Data("hello, world".utf8)) != nil)
        #expect(rejection(Data([0x08, 0x07]))?.description.contains("no graph") == true)
    }

    @Test func dimsWhoseProductOverflows() {
        let tensor: (inout ProtobufWriter) -> Void = { writer in
            writer.int(1, 1 << 40); writer.int(1, 1 << 40); writer.int(2, 1); writer.string(8, "huge")
            writer.bytes(9, Data(count: 4))
        }
        #expect(rejection(identityModel(initializer: tensor))?.description.contains("overflows") == true)
        let negative: (inout ProtobufWriter) -> Void = { writer in
            writer.int(1, -3); writer.int(2, 1); writer.string(8, "neg")
        }
        #expect(rejection(identityModel(initializer: negative))?.description.contains("negative") == true)
    }

    @Test func dataShorterThanDims() {
        let short: (inout ProtobufWriter) -> Void = { writer in
            writer.int(1, 4); writer.int(2, 1); writer.string(8, "short"); writer.bytes(9, Data(count: 8))
        }
        let error = rejection(identityModel(initializer: short))
        #expect(error?.description.contains("need 16 bytes but raw_data holds 8") == true, "\(String(describing: error))")
        let typed = ONNXBuilder.floatTensor("typed", dims: [3], values: [1, 2], typed: true)
        #expect(rejection(identityModel(initializer: typed))?.description.contains("need 3 values") == true)
        let unknownType: (inout ProtobufWriter) -> Void = { writer in
            writer.int(1, 1); writer.int(2, 8); writer.string(8, "text")
        }
        #expect(rejection(identityModel(initializer: unknownType))?.description.contains("not supported") == true)
    }

    func externalTensor(_ location: String, offset: Int? = nil, length: Int? = nil, dims: Int64 = 2) -> (inout ProtobufWriter) -> Void {
        { writer in
            writer.int(1, dims); writer.int(2, 1); writer.string(8, "ext")
            writer.message(13) { $0.string(1, "location"); $0.string(2, location) }
            if let offset { writer.message(13) { $0.string(1, "offset"); $0.string(2, "\(offset)") } }
            if let length { writer.message(13) { $0.string(1, "length"); $0.string(2, "\(length)") } }
            writer.int(14, 1)
        }
    }

    @Test func externalData() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-ext-\(UUID().uuidString)")
        let folder = root.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var bytes = Data(count: 4)
        for value: Float in [1.5, -2] { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        try bytes.write(to: folder.appendingPathComponent("weights.bin"))
        try bytes.write(to: root.appendingPathComponent("outside.bin"))
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("link.bin"), withDestinationURL: root.appendingPathComponent("outside.bin"))

        let good = try ONNXFile.decode(identityModel(initializer: externalTensor("weights.bin", offset: 4, length: 8)), source: "m.onnx", folder: folder)
        #expect(good.initializers["ext"] == ONNXArray(shape: [2], floats: [1.5, -2]))

        let cases: [(String, (inout ProtobufWriter) -> Void)] = [
            ("does not exist", externalTensor("missing.bin")),
            ("outside the model's folder", externalTensor("../outside.bin", offset: 4, length: 8)),
            ("outside the model's folder", externalTensor("link.bin", offset: 4, length: 8)),
            ("absolute", externalTensor(root.appendingPathComponent("outside.bin").path)),
            ("reach past the end", externalTensor("weights.bin", offset: 8, length: 8)),
            ("need 8", externalTensor("weights.bin", offset: 0, length: 4)),
            ("need 8", externalTensor("weights.bin", offset: 0)),
            ("no location", externalTensor("")),
        ]
        for (message, tensor) in cases {
            let error = rejection(identityModel(initializer: tensor), folder: folder)
            #expect(error?.description.contains(message) == true, "\(message): \(String(describing: error))")
        }
        // Decoded from memory, without a folder, external data cannot be found.
        #expect(rejection(identityModel(initializer: externalTensor("weights.bin", offset: 4, length: 8)))?.description.contains("file path") == true)
    }

    @Test func graphsThatAreNotGraphs() {
        let cycle = ONNXBuilder.model { graph in
            graph.message(1, ONNXBuilder.node("Identity", inputs: ["B"], outputs: ["A"], name: "first"))
            graph.message(1, ONNXBuilder.node("Identity", inputs: ["A"], outputs: ["B"], name: "second"))
            graph.message(12, ONNXBuilder.valueInfo("A", dims: [1]))
        }
        #expect(rejection(cycle)?.description.contains("cycle") == true)
        let undefined = ONNXBuilder.model { graph in
            graph.message(1, ONNXBuilder.node("Identity", inputs: ["nowhere"], outputs: ["A"], name: "lost"))
            graph.message(12, ONNXBuilder.valueInfo("A", dims: [1]))
        }
        #expect(rejection(undefined)?.description.contains("'nowhere'") == true)
        let twice = ONNXBuilder.model { graph in
            graph.message(1, ONNXBuilder.node("Identity", inputs: ["X"], outputs: ["A"]))
            graph.message(1, ONNXBuilder.node("Identity", inputs: ["X"], outputs: ["A"], name: "again"))
            graph.message(11, ONNXBuilder.valueInfo("X", dims: [1]))
            graph.message(12, ONNXBuilder.valueInfo("A", dims: [1]))
        }
        #expect(rejection(twice)?.description.contains("more than once") == true)
    }

    @Test func unsupportedOpsetsDomainsAndOperators() {
        func single(_ op: String, opset: Int64 = 14, domain: String? = nil) -> Data {
            ONNXBuilder.model(opset: opset) { graph in
                graph.message(1) { writer in
                    ONNXBuilder.node(op, inputs: ["X"], outputs: ["Y"], name: "the_node")(&writer)
                    if let domain { writer.string(7, domain) }
                }
                graph.message(11, ONNXBuilder.valueInfo("X", dims: [1]))
                graph.message(12, ONNXBuilder.valueInfo("Y", dims: [1]))
            }
        }
        #expect(rejection(single("Identity", opset: 23))?.description.contains("opset 23 is not supported") == true)
        #expect(rejection(single("Identity", opset: 6))?.description.contains("opset 6 is not supported") == true)
        let error = rejection(single("Relu"))
        #expect(error?.description.hasPrefix("node 'the_node' (op Relu): not an operator") == true, "\(String(describing: error))")
        #expect(rejection(single("Identity", domain: "com.microsoft"))?.description.contains("com.microsoft.Identity") == true)
    }

    @Test func recurrentWeightsMustBeConstant() {
        let model = ONNXBuilder.model { graph in
            graph.message(1, ONNXBuilder.node("LSTM", inputs: ["X", "W", "R"], outputs: ["Y"], name: "lstm",
                                              attributes: [ONNXBuilder.intAttribute("hidden_size", 2)]))
            graph.message(5, ONNXBuilder.floatTensor("R", dims: [1, 8, 2], values: Array(repeating: 0.1, count: 16)))
            graph.message(11, ONNXBuilder.valueInfo("X", dims: [1, 1, 3]))
            graph.message(11, ONNXBuilder.valueInfo("W", dims: [1, 8, 3]))
            graph.message(12, ONNXBuilder.valueInfo("Y", dims: [1, 1, 1, 2]))
        }
        #expect(rejection(model)?.description.contains("input W ('W') must be a constant") == true)
    }

    @Test func recurrentShapesAndAttributesAreChecked() {
        func lstm(hidden: Int64, attributes: [(inout ProtobufWriter) -> Void] = []) -> Data {
            ONNXBuilder.model { graph in
                graph.message(1, ONNXBuilder.node("LSTM", inputs: ["X", "W", "R"], outputs: ["Y"], name: "lstm",
                                                  attributes: [ONNXBuilder.intAttribute("hidden_size", hidden)] + attributes))
                graph.message(5, ONNXBuilder.floatTensor("W", dims: [1, 8, 3], values: Array(repeating: 0.1, count: 24)))
                graph.message(5, ONNXBuilder.floatTensor("R", dims: [1, 8, 2], values: Array(repeating: 0.1, count: 16)))
                graph.message(11, ONNXBuilder.valueInfo("X", dims: [1, 1, 3]))
                graph.message(12, ONNXBuilder.valueInfo("Y", dims: [1, 1, 1, 2]))
            }
        }
        #expect(rejection(lstm(hidden: 3))?.description.contains("hidden_size 3 does not match") == true)
        #expect(rejection(lstm(hidden: 2, attributes: [ONNXBuilder.intAttribute("layout", 2)]))?.description.contains("layout 2") == true)
        #expect(rejection(lstm(hidden: 2, attributes: [ONNXBuilder.intAttribute("frobnicate", 1)]))?.description.contains("frobnicate") == true)
    }
}
