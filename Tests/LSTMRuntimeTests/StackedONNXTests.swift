// A stacked chain of ONNX nodes run as one multi-layer pass on OpenCL gives bitwise what its
// nodes give run one by one on the same device: the same kernels and per-layer arithmetic,
// only the layer outputs stay in device buffers instead of passing through the host. Checked
// on every fixture that case.json marks stacked (PyTorch exports and node chains), with both
// kernel families, and with the device buffers poisoned.
import Foundation
import LSTMFormats
import LSTMONNX
import LSTMRuntime
import LSTMTestSupport
import Testing

@Suite("Stacked ONNX chains on OpenCL")
struct StackedONNXTests {
    static let folder = FixtureCase.folder.appendingPathComponent("onnx")

    /// The fixtures with a stacked chain (case.json "stacked" non-empty), and their feeds.
    static let stackedFixtures: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in
            guard let data = try? Data(contentsOf: folder.appendingPathComponent("\(name)/case.json")),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let stacked = object["stacked"] as? [[Int]] else { return false }
            return !stacked.isEmpty
        }.sorted()
    }()

    static func feeds(_ name: String, _ program: ONNXProgram) throws -> [String: ONNXArray] {
        let base = folder.appendingPathComponent(name)
        let data = try Data(contentsOf: base.appendingPathComponent("case.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return try ONNXFeeds.read(object["feeds"] as? [String: String] ?? [:], in: base, for: program)
    }

    static func run(_ program: ONNXProgram, feeds: [String: ONNXArray], kernels: KernelSelection) throws -> (outputs: [String: ONNXArray], passes: [RecurrentPass]) {
        var options = quietOptions
        options.kernels = kernels
        options.poisonsWorkspace = true
        var passes: [RecurrentPass] = []
        let outputs = try program.run(feeds: feeds) { pass, problem in
            passes.append(pass)
            return try LSTMEngine(model: pass.model, device: .opencl(index: nil), options: options).run(problem)
        }
        return (outputs, passes)
    }

    /// Each stacked fixture with the CPU kernel family, and with the GPU family too unless its
    /// gate functions are not the standard ones (input_forget), which the GPU family refuses.
    static let cases: [(String, KernelSelection)] = stackedFixtures.flatMap { name -> [(String, KernelSelection)] in
        name.contains("input-forget") ? [(name, .cpu)] : [(name, .cpu), (name, .gpu)]
    }

    @Test("stacked pass is bitwise the node-by-node run", arguments: cases)
    func bitwiseNodeByNode(name: String, kernels: KernelSelection) throws {
        _ = try Device.first()
        let file = try ONNXFile.read(contentsOf: Self.folder.appendingPathComponent("\(name)/model.onnx"))
        let stackedProgram = try ONNXProgram(file)
        let feeds = try Self.feeds(name, stackedProgram)
        let stacked = try Self.run(stackedProgram, feeds: feeds, kernels: kernels)
        let alone = try Self.run(try ONNXProgram(file, stacking: false), feeds: feeds, kernels: kernels)
        #expect(stacked.passes.contains { $0.isStacked }, "\(name): no stacked pass ran")
        #expect(alone.passes.allSatisfy { !$0.isStacked })
        #expect(stacked.outputs.keys.sorted() == alone.outputs.keys.sorted())
        for (output, expected) in alone.outputs {
            let got = try #require(stacked.outputs[output])
            #expect(got.shape == expected.shape, "\(name): \(output) shape")
            #expect(OutputComparison.firstDifference(got.floats, expected.floats) == nil,
                    "\(name) (\(kernels) kernels): \(output): \(OutputComparison.firstDifference(got.floats, expected.floats) ?? "")")
            #expect(got.floats.contains { $0 != 0 }, "\(name): \(output) is all zeros, which would pass trivially")
        }
    }

    @Test func stackedFixturesArePresent() {
        // PyTorch's stacked exports (both exporters) and the node chains.
        #expect(Self.stackedFixtures.filter { $0.hasPrefix("torch-") }.count >= 14)
        #expect(Self.stackedFixtures.contains("stack-lstm-reverse-lengths-states"))
    }
}
