// Large host-memory copies split across the host's cores. On a CPU device a pass's sequence
// and output are each copied once between the caller's arrays and the device's buffers. On a
// 2-vCPU Intel Xeon VM at (256, 256, 256, 100), 26 MB each way, PoCL's one-thread copies took
// 4.1-5.3 ms out and 4.2 ms back; mapped and copied on both cores, 3.0-3.3 and 2.5-3.0 ms.
import Dispatch
import Foundation

enum HostCopy {
    /// Bytes below which one thread copies alone: splitting costs a thread wake-up each.
    static let bytesPerThread = 2 << 20

    /// Threads for a copy of `byteCount` bytes: one per ``bytesPerThread``, at most one per
    /// active core.
    static func threads(byteCount: Int) -> Int {
        max(1, min(ProcessInfo.processInfo.activeProcessorCount, byteCount / bytesPerThread))
    }

    /// Copies `byteCount` bytes from `source` to `destination` (which must not overlap), in
    /// contiguous parts on ``threads(byteCount:)`` threads.
    static func copy(from source: UnsafeRawPointer, to destination: UnsafeMutableRawPointer, byteCount: Int) {
        let parts = threads(byteCount: byteCount)
        guard parts > 1 else {
            destination.copyMemory(from: source, byteCount: byteCount)
            return
        }
        // Parts of whole 64-byte lines.
        let partBytes = (byteCount / parts + 63) / 64 * 64
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let start = part * partBytes
            let count = min(partBytes, byteCount - start)
            guard count > 0 else { return }
            (destination + start).copyMemory(from: source + start, byteCount: count)
        }
    }
}
