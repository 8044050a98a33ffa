// Kernel tunings chosen by `lstm tune`, stored in a JSON file and keyed by device name,
// driver version and model shape, so that `run` and `bench` pick them up.
import Foundation
import LSTMOpenCL
import OpenCLKit

/// The CPU kernel family's tunings (`tuning.json`).
public typealias TuningCache = TuningStore<KernelTuning>
/// The GPU kernel family's tunings (`gpu-tuning.json`).
public typealias GPUTuningCache = TuningStore<GPUKernelTuning>

private let sharedTunings = TuningCache(file: ProgramCache.directory?.appendingPathComponent("tuning.json"))
private let sharedGPUTunings = GPUTuningCache(file: ProgramCache.directory?.appendingPathComponent("gpu-tuning.json"))

extension TuningStore where Value == KernelTuning {
    /// The cache in the runtime's cache folder (`LSTM_CACHE_DIR`, else `~/.cache/lstm-runtime`).
    public static var shared: TuningCache { sharedTunings }
}

extension TuningStore where Value == GPUKernelTuning {
    /// The GPU family's cache in the runtime's cache folder.
    public static var shared: GPUTuningCache { sharedGPUTunings }
}

/// The on-disk store of the best kernel tuning (of one family) per device, driver and shape.
public final class TuningStore<Value: Codable & Sendable>: @unchecked Sendable {
    // @unchecked: all access to `entries` goes through `lock`.

    /// The JSON file behind the cache; `nil` keeps entries in memory only.
    public let file: URL?
    private let lock = NSLock()
    private var entries: [String: Value]

    /// Loads the entries stored in `file`; a missing or unreadable file starts empty.
    public init(file: URL?) {
        self.file = file
        let data = file.flatMap { try? Data(contentsOf: $0) }
        entries = data.flatMap { try? JSONDecoder().decode([String: Value].self, from: $0) } ?? [:]
    }

    /// The key for a device and model shape.
    public static func key(device: Device, configuration: LSTMConfiguration, precision: WeightPrecision) -> String {
        let c = configuration
        return [
            device.name, device.driverVersion,
            "\(c.cell.rawValue)\(c.cell == .gru && !c.linearBeforeReset ? "-resetfirst" : "")-I\(c.inputSize)-H\(c.hiddenSize)-P\(c.projectionSize)-L\(c.layerCount)-D\(c.directionCount)-peep\(c.hasPeepholes ? 1 : 0)",
            precision.rawValue,
        ].joined(separator: "|")
    }

    /// The stored tuning for this device and shape, if `lstm tune` recorded one.
    public func lookup(device: Device, configuration: LSTMConfiguration, precision: WeightPrecision) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return entries[Self.key(device: device, configuration: configuration, precision: precision)]
    }

    /// Records a tuning and rewrites the file atomically.
    public func store(_ tuning: Value, device: Device, configuration: LSTMConfiguration, precision: WeightPrecision) throws {
        lock.lock()
        defer { lock.unlock() }
        entries[Self.key(device: device, configuration: configuration, precision: precision)] = tuning
        guard let file else { return }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(entries), to: file)
    }
}
