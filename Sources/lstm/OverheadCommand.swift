// `lstm overhead`: the launch cost of each OpenCL device, from back-to-back empty kernels.
import ArgumentParser
import LSTMRuntime

struct OverheadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overhead",
        abstract: "Measure kernel-launch overhead with back-to-back empty kernels.",
        discussion: "Without --device, every OpenCL device is measured.")

    @Option(help: "opencl or opencl:N (default: every OpenCL device).", transform: ArgumentParsing.device)
    var device: DeviceSelection?
    @Option(help: "Empty kernels launched back to back.")
    var launches = 2000

    func validate() throws {
        guard launches >= 1 else { throw ValidationError("--launches must be at least 1") }
        if device == .cpu { throw ValidationError("the CPU reference launches no kernels; give --device opencl or opencl:N") }
    }

    func run() throws {
        let devices = try Device.all()
        guard !devices.isEmpty else {
            throw CommandError.nothingToCheck(command: "overhead", reason: "no OpenCL device was found. \(RuntimeError.installHint)")
        }
        let chosen: [Int]
        switch device {
        case nil, .auto?: chosen = Array(devices.indices)
        case .opencl(let index)?:
            let index = index ?? 0
            guard devices.indices.contains(index) else {
                throw RuntimeError.deviceIndexOutOfRange(index: index, available: devices.map(\.description))
            }
            chosen = [index]
        case .cpu?: chosen = []
        }
        var table = TextTable(["DEVICE", "BACK-TO-BACK US", "LAUNCH+FINISH US", "LAUNCHES"], rightAligned: [1, 2, 3])
        for index in chosen {
            let overhead = try LaunchOverhead.measure(on: devices[index], launches: launches)
            table.append([
                "opencl:\(index) (\(devices[index].name))", String(format: "%.2f", overhead.backToBackMicroseconds),
                String(format: "%.2f", overhead.roundTripMicroseconds), "\(overhead.launches)",
            ])
        }
        table.print()
    }
}
