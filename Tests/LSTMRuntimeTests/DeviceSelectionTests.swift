// Parsing `--device` values and the errors for devices that do not exist.
import LSTMRuntime
import Testing

@Suite("Device selection")
struct DeviceSelectionTests {
    @Test("valid spellings parse", arguments: [
        ("auto", DeviceSelection.auto), ("cpu", .cpu), ("opencl", .opencl(index: nil)),
        ("opencl:0", .opencl(index: 0)), ("OpenCL:12", .opencl(index: 12)),
    ])
    func parses(text: String, expected: DeviceSelection) throws {
        #expect(try DeviceSelection(parsing: text) == expected)
        #expect(try DeviceSelection(parsing: expected.description) == expected)
    }

    @Test("invalid spellings are rejected with the valid ones listed", arguments: ["gpu", "opencl:", "opencl:-1", "opencl:x", "", "cpu:0"])
    func rejects(text: String) {
        #expect {
            try DeviceSelection(parsing: text)
        } throws: { error in
            (error as? RuntimeError) == .invalidDeviceSelection(text) && "\(error)".contains("opencl:N")
        }
    }

    @Test("opencl:99 fails and lists the devices that exist")
    func indexOutOfRange() throws {
        let device = try Device.first()
        let model = try LSTMModel.random(LSTMConfiguration(inputSize: 2, hiddenSize: 3), seed: 1)
        #expect {
            try LSTMEngine(model: model, device: .opencl(index: 99), options: quietOptions)
        } throws: { error in
            guard case RuntimeError.deviceIndexOutOfRange(let index, let available)? = error as? RuntimeError else { return false }
            let text = "\(error)"
            return index == 99 && !available.isEmpty && text.contains("opencl:99") && text.contains("opencl:0")
                && text.contains(device.name)
        }
    }

    @Test("cpu selects the CPU reference and auto prefers an OpenCL device")
    func cpuAndAuto() throws {
        let model = try LSTMModel.random(LSTMConfiguration(inputSize: 2, hiddenSize: 3), seed: 2)
        let cpu = try LSTMEngine(model: model, device: .cpu, options: quietOptions)
        #expect(cpu.device == nil)
        #expect(cpu.backendName == "cpu-reference")
        _ = try Device.first()
        let auto = try LSTMEngine(model: model, device: .auto, options: quietOptions)
        #expect(auto.device != nil)
        #expect(auto.backendName.hasPrefix("opencl:"))
    }
}
