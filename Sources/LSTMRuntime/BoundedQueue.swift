// A blocking first-in first-out queue with a capacity, for the stages of a batch pipeline:
// a full queue holds its producer back (that bounds memory), and cancelling wakes everyone.
import Foundation

/// A thread-safe FIFO of at most `capacity` elements.
final class BoundedQueue<Element>: @unchecked Sendable {
    // @unchecked: every stored property is touched only under `condition`.
    private let condition = NSCondition()
    private var elements: [Element] = []
    private let capacity: Int
    private var closed = false
    private var cancelled = false

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Appends `element`, waiting while the queue is full. Returns `false` (dropping the
    /// element) once the queue is cancelled.
    @discardableResult
    func push(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while elements.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        elements.append(element)
        condition.broadcast()
        return true
    }

    /// The oldest element, waiting while the queue is empty; `nil` once it is closed and
    /// drained, or cancelled.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while elements.isEmpty && !closed && !cancelled { condition.wait() }
        guard !cancelled, !elements.isEmpty else { return nil }
        let first = elements.removeFirst()
        condition.broadcast()
        return first
    }

    /// No more elements will come: `pop` returns `nil` after the last one.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the pipeline: pending and future `push` and `pop` return at once.
    func cancel() {
        condition.lock()
        cancelled = true
        elements.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
