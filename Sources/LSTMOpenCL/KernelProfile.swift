// Device time per kernel of one forward pass, from OpenCL profiling events: where the time
// goes (input-projection GEMM vs recurrent steps), for benchmarks and tuning.
import OpenCLKit

/// Device time spent in each kernel during one profiled forward pass.
public struct KernelProfile: Sendable, CustomStringConvertible {
    /// The launches of one kernel and their summed device time.
    public struct Entry: Sendable {
        /// The `__kernel` function name, e.g. `lstm_step`.
        public var kernel: String
        /// How many times it was launched.
        public var launches: Int
        /// Summed device time from start to end of each launch, in nanoseconds.
        public var nanoseconds: UInt64

        /// Summed device time in milliseconds.
        public var milliseconds: Double { Double(nanoseconds) / 1e6 }
    }

    /// One entry per kernel, in order of first launch.
    public var entries: [Entry]

    /// Device time over all kernels, in milliseconds (excludes gaps between launches).
    public var totalMilliseconds: Double { entries.reduce(0) { $0 + $1.milliseconds } }

    public var description: String {
        entries.map { "\($0.kernel): \($0.launches) launches, \(String(format: "%.3f", $0.milliseconds)) ms" }
            .joined(separator: "; ")
    }
}

/// Collects launch events while a profiled pass is enqueued; summarised after it finished.
final class ProfileRecorder {
    private var events: [(kernel: String, event: Event)] = []

    func record(_ kernel: String, _ event: Event?) {
        if let event { events.append((kernel, event)) }
    }

    /// Reads the timestamps; call after the queue has finished.
    func summary() throws -> KernelProfile {
        var entries: [KernelProfile.Entry] = []
        var index: [String: Int] = [:]
        for (kernel, event) in events {
            let duration = try event.durationNanoseconds()
            if let position = index[kernel] {
                entries[position].launches += 1
                entries[position].nanoseconds += duration
            } else {
                index[kernel] = entries.count
                entries.append(KernelProfile.Entry(kernel: kernel, launches: 1, nanoseconds: duration))
            }
        }
        return KernelProfile(entries: entries)
    }
}
