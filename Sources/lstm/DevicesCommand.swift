// `lstm devices`: every OpenCL device with the index `--device opencl:N` takes, then the
// CPU reference, which is always there.
import ArgumentParser
import Foundation
import LSTMRuntime

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices", abstract: "List the OpenCL devices and the CPU reference.")

    func run() throws {
        var table = TextTable(["DEVICE", "NAME", "PLATFORM", "TYPE", "UNITS", "MEMORY", "MAX BUFFER", "DRIVER"],
                              rightAligned: [4, 5, 6])
        let devices: [Device]
        do {
            devices = try Device.all()
        } catch {
            devices = []
            Terminal.notice("listing OpenCL devices failed: \(Terminal.message(for: error))")
        }
        for (index, device) in devices.enumerated() {
            table.append([
                "opencl:\(index)", device.name, device.platform.name, device.kind.rawValue, "\(device.computeUnits)",
                Format.bytes(device.globalMemory), Format.bytes(device.maxAllocation), device.driverVersion,
            ])
        }
        table.append(["cpu", "CPU reference (Double precision, one thread)", "-", "cpu", "1", "-", "-", "-"])
        if devices.isEmpty {
            Terminal.print("No OpenCL platform or device was found; only the CPU reference is available.")
            Terminal.print("To run on OpenCL, \(RuntimeError.installHint).")
            Terminal.print()
        }
        table.print()
    }
}
