// The cost of a kernel launch on a device, measured with back-to-back empty kernels: what
// one per-step launch costs before any work (the case for the persistent recurrence).
import Foundation
import OpenCLKit

/// Launch costs of one device, in microseconds.
public struct LaunchOverhead: Sendable, CustomStringConvertible {
    /// Wall time per launch when `launches` empty kernels are enqueued back to back and the
    /// queue is finished once.
    public var backToBackMicroseconds: Double
    /// Wall time of one empty launch followed by clFinish (enqueue, run and wake-up).
    public var roundTripMicroseconds: Double
    /// Launches timed back to back.
    public var launches: Int

    public var description: String {
        String(format: "%.2f us per back-to-back launch (%d launches), %.2f us per launch + finish",
               backToBackMicroseconds, launches, roundTripMicroseconds)
    }

    /// Measures `device` (after a warm-up of 100 launches).
    public static func measure(on device: Device, launches: Int = 2000) throws -> LaunchOverhead {
        let context = try Context(device: device)
        let queue = try CommandQueue(context: context)
        let program = try Program(context: context, source: "__kernel void empty(__global int *unused) {}")
        let kernel = try program.kernel(named: "empty")
        let buffer = try Buffer(context: context, byteCount: 4)
        try kernel.setArguments([.buffer(buffer)])
        func launch() throws { _ = try queue.enqueue(kernel, global: [1], local: [1]) }
        for _ in 0..<100 { try launch() }
        try queue.finish()
        let count = max(1, launches)
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<count { try launch() }
        try queue.finish()
        let middle = DispatchTime.now().uptimeNanoseconds
        let trips = max(1, count / 10)
        for _ in 0..<trips {
            try launch()
            try queue.finish()
        }
        let end = DispatchTime.now().uptimeNanoseconds
        return LaunchOverhead(
            backToBackMicroseconds: Double(middle - start) / 1e3 / Double(count),
            roundTripMicroseconds: Double(end - middle) / 1e3 / Double(trips), launches: count)
    }
}
