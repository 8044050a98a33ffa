// Host copies behind writes that do not wait. A blocking clEnqueueWriteBuffer is a round trip
// to the driver's threads: on PoCL on a 2-vCPU VM about 0.1 ms of futex wake-ups, as much as a
// whole batch-1 step's work at H = 512. A write that returns at once must leave its source
// untouched until the driver has read it, and a Swift array promises its storage only inside
// withUnsafeBytes, so the values are written into memory the queue owns and freed once the queue
// has drained: after any blocking call, since the queue runs its commands in order.
import Foundation

/// Allocations holding the sources of a queue's pending non-blocking writes.
final class StagedWrites: @unchecked Sendable {
    // @unchecked: every access to `pending` holds `lock`.
    private let lock = NSLock()
    private var pending: [UnsafeMutableRawPointer] = []

    /// `byteCount` bytes (at least one) that stay allocated until ``releaseAll()``.
    func allocate(byteCount: Int) -> UnsafeMutableRawBufferPointer {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: max(1, byteCount), alignment: 64)
        lock.lock()
        pending.append(memory)
        lock.unlock()
        return UnsafeMutableRawBufferPointer(start: memory, count: byteCount)
    }

    /// Whether any staged copy is still held.
    var isEmpty: Bool {
        lock.lock()
        defer { lock.unlock() }
        return pending.isEmpty
    }

    /// Frees every staged copy; call only when the queue has finished the writes that read them.
    func releaseAll() {
        lock.lock()
        let released = pending
        pending.removeAll()
        lock.unlock()
        for copy in released { copy.deallocate() }
    }

    deinit {
        for copy in pending { copy.deallocate() }
    }
}
