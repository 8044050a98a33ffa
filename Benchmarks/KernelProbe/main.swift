// lstm-kernel-probe: times several kernel tunings of one workload in one process,
// interleaved round by round (so a noisy, shared machine hits every tuning alike), with
// --each-pass prints every pass's time (and kernel times, with --profile), and with
// --profile prints the device time per kernel from OpenCL profiling events: where a pass's
// time goes (input-projection GEMM, recurrence) for each tuning.
//
//   lstm-kernel-probe --input-size 512 --hidden 512 --batch 1 --steps 100 [--f16] [--rounds 7]
//       [--profile] [--each-pass] [--tuning "vec=16 stepRows=4 ..."]...
//
// A tuning is space-separated key=value pairs over KernelTuning's fields (vec, gemmRows,
// gemmTiles, tileGates, stepRows, stepTiles, panelSlice, projectionRows, wideBlocks, gemmLocal, stepLocal, persistent,
// persistentProjection, fuseInput, prefetchSlices); unnamed fields take the device's defaults
// (fuseInput and prefetchSlices false: the shape rules of the engine's defaults,
// KernelTuning.fusesInputByDefault and prefetchesSlicesByDefault, do not apply to an explicit
// tuning). `--tuning default`, and no --tuning at all, runs what the engine runs: the device's
// defaults with the shape rules. `window=N` (not a tunable) sets the steps per window
// (OpenCLBackendOptions.windowSteps) of that entry.
import Foundation
import LSTMBenchmarks
import LSTMOpenCL
import LSTMRuntime

struct ProbeError: Error, CustomStringConvertible {
    let description: String
}

/// The tuning fields a --tuning text sets with true or false.
let booleanFields: [String: WritableKeyPath<KernelTuning, Bool>] = [
    "persistent": \.persistentRecurrence, "persistentProjection": \.persistentProjection,
    "fuseInput": \.fuseInput, "prefetchSlices": \.prefetchSlices,
]

/// The tuning and window of one --tuning text; a nil tuning (the text `default`) leaves the
/// choice to the backend, shape rules included.
func parseTuning(_ text: String, base: KernelTuning) throws -> (tuning: KernelTuning?, window: Int?) {
    if text == "default" { return (nil, nil) }
    var tuning = base
    var window: Int?
    for pair in text.split(separator: " ") {
        let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw ProbeError(description: "tuning field '\(pair)' is not key=value") }
        if parts[0] == "window" {
            guard let value = Int(parts[1]), value >= 1 else { throw ProbeError(description: "window takes a positive integer") }
            window = value
            continue
        }
        if let flag = booleanFields[parts[0]] {
            guard let value = Bool(parts[1]) else { throw ProbeError(description: "\(parts[0]) takes true or false") }
            tuning[keyPath: flag] = value
            continue
        }
        guard let value = Int(parts[1]) else { throw ProbeError(description: "tuning field '\(pair)' needs an integer") }
        switch parts[0] {
        case "vec": tuning.vectorWidth = value
        case "gemmRows": tuning.gemmRows = value
        case "gemmTiles": tuning.gemmTiles = value
        case "stepTiles": tuning.stepTiles = value
        case "panelSlice": tuning.panelSlice = value
        case "stepRows": tuning.stepRows = value
        case "projectionRows": tuning.projectionRows = value
        case "wideBlocks": tuning.wideBlocks = value
        case "tileGates": tuning.tileGates = value
        case "gemmLocal": tuning.gemmLocal = value
        case "stepLocal": tuning.stepLocal = value
        default: throw ProbeError(description: "unknown tuning field '\(parts[0])'")
        }
    }
    return (tuning, window)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
}

func probe() throws {
    var arguments = Array(CommandLine.arguments.dropFirst())
    var sizes: [String: Int] = ["input-size": 512, "hidden": 512, "batch": 1, "steps": 100, "rounds": 7, "repeat": 5]
    var tuningTexts: [String] = []
    var half = false
    var profile = false
    var eachPass = false
    while !arguments.isEmpty {
        let flag = arguments.removeFirst()
        switch flag {
        case "--f16": half = true
        case "--profile": profile = true
        case "--each-pass": eachPass = true
        case "--tuning":
            guard !arguments.isEmpty else { throw ProbeError(description: "--tuning needs a value") }
            tuningTexts.append(arguments.removeFirst())
        default:
            let name = String(flag.dropFirst(2))
            guard flag.hasPrefix("--"), sizes[name] != nil, !arguments.isEmpty, let value = Int(arguments.removeFirst()), value >= 1 else {
                throw ProbeError(description: "unknown flag or bad value: \(flag)")
            }
            sizes[name] = value
        }
    }
    setenv("POCL_AFFINITY", "1", 0)
    let device = try Device.first()
    let configuration = LSTMConfiguration(inputSize: sizes["input-size"]!, hiddenSize: sizes["hidden"]!)
    let workload = Workload(configuration, batch: sizes["batch"]!, steps: sizes["steps"]!)
    let base = KernelTuning.defaults(for: device, batchClass: BatchClass(batch: workload.batch))
    let tunings = try (tuningTexts.isEmpty ? ["default"] : tuningTexts).map { try parseTuning($0, base: base) }
    let model = try workload.model()
    let problem = try workload.problem()
    let precision: WeightPrecision = half ? .float16 : .float32
    let backends = try tunings.map { entry in
        try OpenCLBackend(model: model, device: device, options: OpenCLBackendOptions(
            weightPrecision: precision, tuning: entry.tuning, profiling: profile, windowSteps: entry.window))
    }
    let labels = zip(backends, tunings).map { backend, entry in
        (entry.tuning == nil ? "default: " : "") + "\(backend.tuning(forBatch: workload.batch))"
            + (entry.window.map { " window=\($0)" } ?? "")
    }
    let reference = try backends[0].run(problem)
    for (index, backend) in backends.enumerated() {
        let result = try backend.run(problem)
        let same = result.output.map(\.bitPattern) == reference.output.map(\.bitPattern)
        print("\(labels[index]): \(same ? "bitwise equal to the first" : "DIFFERS from the first")")
    }
    var times = [[Double]](repeating: [], count: backends.count)
    var fastest = [Double](repeating: .infinity, count: backends.count)
    var profiles = [[String: [Double]]](repeating: [:], count: backends.count)
    for round in 0..<sizes["rounds"]! {
        for offset in backends.indices {
            let index = (offset + round) % backends.count
            var perRound: [Double] = []
            for _ in 0..<sizes["repeat"]! {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try backends[index].run(problem)
                perRound.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                fastest[index] = min(fastest[index], perRound.last ?? .infinity)
                let entries = backends[index].lastProfile?.entries ?? []
                for entry in entries { profiles[index][entry.kernel, default: []].append(entry.milliseconds) }
                if eachPass {
                    // One entry per kernel, its launches of the pass summed.
                    let kernels = entries.sorted { $0.kernel < $1.kernel }.map { $0.kernel + String(format: " %.2f", $0.milliseconds) }
                    print(String(format: "pass %d.%d %.2f ms ", round, index, perRound.last ?? 0) + kernels.joined(separator: " "))
                }
            }
            times[index].append(median(perRound))
        }
    }
    let flops = workload.flops
    print("\(workload) \(precision.rawValue) on \(device.name), \(sizes["rounds"]!) rounds x \(sizes["repeat"]!) passes")
    for index in backends.indices {
        let ms = median(times[index])
        let kernels = profiles[index].keys.sorted().map { "\($0) \(String(format: "%.3f", median(profiles[index][$0]!))) ms" }
        print(String(format: "%8.3f ms %7.1f GFLOP/s  x%.3f  min %8.3f ms x%.3f  ", ms, flops / ms / 1e6, ms / median(times[0]),
                            fastest[index], fastest[index] / fastest[0])
              + labels[index] + (kernels.isEmpty ? "" : "  [" + kernels.joined(separator: ", ") + "]"))
    }
}

do {
    try probe()
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
