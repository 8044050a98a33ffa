// A count of OpenCL handles currently owned by Swift values, so tests can prove that
// repeated work releases everything it creates.
import Foundation

/// Live OpenCL objects (contexts, queues, buffers, programs, kernels, events) held by this process.
public enum LiveObjects {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var counts: [String: Int] = [:]

    /// Number of live handles per kind, e.g. `["Buffer": 12, "Kernel": 3]`.
    public static var byKind: [String: Int] {
        lock.lock()
        defer { lock.unlock() }
        return counts.filter { $0.value != 0 }
    }

    /// Total live handles.
    public static var total: Int { byKind.values.reduce(0, +) }

    static func created(_ kind: String) { adjust(kind, by: 1) }
    static func released(_ kind: String) { adjust(kind, by: -1) }

    private static func adjust(_ kind: String, by delta: Int) {
        lock.lock()
        counts[kind, default: 0] += delta
        lock.unlock()
    }
}
