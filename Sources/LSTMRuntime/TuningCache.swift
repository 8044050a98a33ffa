// Kernel tunings chosen by `lstm tune`, stored in a JSON file and keyed by device name,
// driver version, model shape, weight precision and batch class, so that `run` and `bench`
// pick them up. Entries written before keys had a batch class (tuned at vector width 8)
// match no key and are ignored.
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

    /// The key for a device, model shape, weight precision and batch class.
    public static func key(
        device: Device, configuration: LSTMConfiguration, precision: WeightPrecision, batchClass: BatchClass
    ) -> String {
        let c = configuration
        return [
            device.name, device.driverVersion,
            "\(c.cell.rawValue)\(c.cell == .gru && !c.linearBeforeReset ? "-resetfirst" : "")-I\(c.inputSize)-H\(c.hiddenSize)-P\(c.projectionSize)-L\(c.layerCount)-D\(c.directionCount)-peep\(c.hasPeepholes ? 1 : 0)",
            precision.rawValue, "batch-\(batchClass.rawValue)",
        ].joined(separator: "|")
    }

    /// The stored tuning for this device, shape and batch class, if `lstm tune` recorded one.
    public func lookup(
        device: Device, configuration: LSTMConfiguration, precision: WeightPrecision, batchClass: BatchClass
    ) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return entries[Self.key(device: device, configuration: configuration, precision: precision, batchClass: batchClass)]
    }

    /// Every stored tuning for this device and shape, by batch class.
    public func tunings(device: Device, configuration: LSTMConfiguration, precision: WeightPrecision) -> [BatchClass: Value] {
        var found: [BatchClass: Value] = [:]
        for batchClass in BatchClass.allCases {
            found[batchClass] = lookup(device: device, configuration: configuration, precision: precision, batchClass: batchClass)
        }
        return found
    }

    /// The stored tuning of a store without batch classes (the GPU family's), kept under the
    /// large class.
    public func lookup(device: Device, configuration: LSTMConfiguration, precision: WeightPrecision) -> Value? {
        lookup(device: device, configuration: configuration, precision: precision, batchClass: .large)
    }

    /// Records a tuning of a store without batch classes (the GPU family's) under the large class.
    public func store(_ tuning: Value, device: Device, configuration: LSTMConfiguration, precision: WeightPrecision) throws {
        try store(tuning, device: device, configuration: configuration, precision: precision, batchClass: .large)
    }

    /// Records a tuning for a batch class and rewrites the file atomically.
    public func store(
        _ tuning: Value, device: Device, configuration: LSTMConfiguration, precision: WeightPrecision,
        batchClass: BatchClass
    ) throws {
        lock.lock()
        defer { lock.unlock() }
        entries[Self.key(device: device, configuration: configuration, precision: precision, batchClass: batchClass)] = tuning
        guard let file else { return }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(entries), to: file)
    }
}
