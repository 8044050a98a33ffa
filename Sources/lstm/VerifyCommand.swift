// `lstm verify`: the OpenCL backend, with poisoned device buffers, against the CPU reference
// over the seeded sweep in VerificationCases.swift; fails when any case is out of tolerance.
import ArgumentParser
import LSTMBenchmarks
import LSTMRuntime

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the OpenCL kernels against the CPU reference on a sweep of random models.",
        discussion: """
            Without --device, every OpenCL device is checked; without --kernels, every kernel family on \
            each. Without --vector-width, the CPU family runs the tuning it would run for the case (a \
            stored one, else the device's defaults); with it, the device's defaults at that vector width \
            (units per block: 4, 8 or 16), or at each of them with `all` (the GPU family has its own \
            layout and ignores it). Exits 1 if any case is out of tolerance.
            """)

    @Option(help: "opencl or opencl:N (default: every OpenCL device).", transform: ArgumentParsing.device)
    var device: DeviceSelection?
    @Option(help: "Seed for the random models and inputs.")
    var seed: UInt64 = 1
    @Option(name: .customLong("vector-width"), help: "Kernel vector width: 4, 8, 16 or all (default: the tuning in use).")
    var vectorWidth: String?

    func validate() throws {
        _ = try widthsToVerify()
    }

    /// The vector widths to check, or `[nil]` for the tuning the engine picks itself.
    private func widthsToVerify() throws -> [Int?] {
        guard let vectorWidth else { return [nil] }
        if vectorWidth == "all" { return KernelTuning.supportedVectorWidths }
        guard let width = Int(vectorWidth), KernelTuning.supportedVectorWidths.contains(width) else {
            throw ValidationError("--vector-width must be one of \(KernelTuning.supportedVectorWidths.map(String.init).joined(separator: ", ")) or all")
        }
        return [width]
    }
    @Option(help: "Kernel family: auto (by device type), cpu or gpu (default: both families).", transform: ArgumentParsing.kernels)
    var kernels: KernelSelection?

    func run() throws {
        let selections = try devicesToVerify()
        var failures = 0
        let families = kernels.map { [$0] } ?? [.cpu, .gpu]
        for selection in selections {
            for family in families {
                // The GPU family has its own layout: vector widths are the CPU family's.
                for width in family == .gpu ? [nil] : try widthsToVerify() {
                    failures += try verify(on: selection, kernels: family, vectorWidth: width)
                }
            }
        }
        if failures > 0 { throw ExitCode.failure }
    }

    private func devicesToVerify() throws -> [DeviceSelection] {
        if device == .cpu {
            throw CommandError.nothingToCheck(
                command: "verify", reason: "verify compares the OpenCL backend with the CPU reference; give --device opencl or opencl:N")
        }
        let devices = try Device.all()
        guard !devices.isEmpty else {
            throw CommandError.nothingToCheck(
                command: "verify", reason: "no OpenCL device was found, and the CPU reference is the oracle itself. To verify, \(RuntimeError.installHint)")
        }
        switch device {
        case nil, .auto?: return devices.indices.map { DeviceSelection.opencl(index: $0) }
        case let selection?: return [selection]
        }
    }

    /// Runs the sweep on one device, prints its table and returns the number of failed cases.
    private func verify(on selection: DeviceSelection, kernels: KernelSelection, vectorWidth: Int?) throws -> Int {
        let tuning = try vectorWidth.flatMap { width -> KernelTuning? in
            guard let device = try selection.resolvedDevice() else { return nil }
            var tuning = KernelTuning.defaults(for: device)
            tuning.vectorWidth = width
            return tuning
        }
        var table = TextTable(["CASE", "SHAPE", "FEATURES", "MAX ABS ERR", "MAX REL ERR", "RESULT"], rightAligned: [0, 3, 4])
        var problems: [String] = []
        var deviceName = selection.description
        var familyName = kernels.rawValue
        let cases = VerificationCase.sweep
        for (index, testCase) in cases.enumerated() {
            Terminal.progress("verify \(selection) (\(kernels.rawValue) kernels): case \(index + 1)/\(cases.count) \(testCase.shape)")
            let outcome = check(testCase, seed: seed &+ UInt64(index), on: selection, kernels: kernels, tuning: tuning)
            if let name = outcome.deviceName { deviceName = name }
            if let family = outcome.family { familyName = family.rawValue }
            let passed = outcome.comparison?.passed ?? false
            table.append([
                "\(index + 1)", testCase.shape, testCase.features,
                outcome.comparison.map { Format.error($0.maxAbsoluteError) } ?? "-",
                outcome.comparison.map { Format.error($0.maxRelativeError) } ?? "-",
                passed ? "PASS" : "FAIL",
            ])
            if !passed {
                problems.append("case \(index + 1) (\(testCase.shape), \(testCase.features)): " + (outcome.error ?? outcome.comparison?.description ?? "?"))
            }
        }
        Terminal.progress(nil)
        let widthNote = tuning.map { ", vector width \($0.vectorWidth)" } ?? ""
        Terminal.print("Verifying \(deviceName), \(familyName) kernels, against the CPU reference (seed \(seed)\(widthNote))")
        Terminal.print("tolerance: fp32 \(Tolerance.float32); f16 weights \(Tolerance.float16Weights)")
        table.print()
        problems.forEach { Terminal.print("FAIL \($0)") }
        Terminal.print("\(cases.count - problems.count)/\(cases.count) cases passed on \(deviceName) (\(familyName) kernels)\(widthNote)")
        Terminal.print()
        return problems.count
    }

    private func check(
        _ testCase: VerificationCase, seed: UInt64, on selection: DeviceSelection, kernels: KernelSelection, tuning: KernelTuning?
    ) -> (comparison: TensorComparison?, error: String?, deviceName: String?, family: KernelFamily?)
    {
        do {
            let model = try LSTMModel.random(testCase.configuration, seed: seed &* 7919)
            let problem = try ForwardProblem(testCase.input(seed: seed), configuration: testCase.configuration)
            let expected = try CPUReference(model: model).run(problem)
            let options = EngineOptions(
                weightPrecision: testCase.precision, tuning: tuning, notice: { _ in }, poisonsWorkspace: true, kernels: kernels)
            let engine = try LSTMEngine(model: model, device: selection, options: options)
            let got = try engine.run(problem)
            return (ResultComparison.compare(got, expected, tolerance: testCase.tolerance), nil, engine.backendName, engine.kernelFamily)
        } catch {
            return (nil, Terminal.message(for: error), nil, nil)
        }
    }
}
