// Every reference case (NumPy, PyTorch, onnxruntime) through LSTMEngine on the CPU reference
// and on the first OpenCL device, within the tolerance promised against external implementations.
import LSTMRuntime
import LSTMTestSupport
import Testing

@Suite("Reference fixtures through LSTMEngine")
struct FixtureTests {
    @Test("the fixture folder holds every case")
    func fixturesPresent() {
        #expect(FixtureCase.names.count >= 18, "found \(FixtureCase.names) in \(FixtureCase.folder.path)")
    }

    @Test("CPU reference matches the fixture", arguments: FixtureCase.names)
    func cpu(name: String) throws {
        let fixture = try FixtureCase(name)
        let engine = try LSTMEngine(model: fixture.model, device: .cpu, options: quietOptions)
        let comparison = OutputComparison.compare(try engine.forward(fixture.input), fixture.expected, tolerance: .external)
        #expect(comparison.passed, "\(name): \(comparison)")
    }

    @Test("OpenCL matches the fixture", arguments: FixtureCase.names)
    func openCL(name: String) throws {
        _ = try Device.first()
        let fixture = try FixtureCase(name)
        let engine = try LSTMEngine(model: fixture.model, device: .opencl(index: nil), options: quietOptions)
        #expect(engine.device != nil)
        let comparison = OutputComparison.compare(try engine.forward(fixture.input), fixture.expected, tolerance: .external)
        #expect(comparison.passed, "\(name): \(comparison)")
    }
}
