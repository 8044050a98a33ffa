// Running a plan of batch slices through one or more engines as a pipeline: one thread
// reads slice k+1 while each engine computes a slice and the calling thread writes slice
// k-1. Engines take the next ready slice as soon as they finish one, so a faster device
// takes more (work stealing from a shared queue). Queues are bounded, so at most a few
// slices per engine are in memory at once, whatever the batch.
import Foundation

/// Produces the problem of each batch slice (reading and gathering its inputs).
public protocol BatchSource: AnyObject, Sendable {
    /// The forward problem of `slice`'s sequences, `slice.steps` steps long.
    func problem(for slice: BatchSlice) throws -> ForwardProblem
}

/// Consumes the result of each batch slice (scattering or writing it out).
public protocol BatchSink: AnyObject {
    /// Stores the result of `slice`; called on one thread, in the order slices finish.
    func store(_ result: ForwardResult, for slice: BatchSlice) throws
}

/// Runs batch slices over engines with reading, computing and writing overlapped.
public final class BatchScheduler {
    /// The engines, one per device; each has its own queue and device buffers.
    public let engines: [LSTMEngine]
    /// How many slices each engine may have waiting ahead of it (read, not yet computing).
    public let readAhead: Int

    /// Seconds each engine spent computing (in ``LSTMEngine/run(_:)``) during the last
    /// ``run(_:source:sink:progress:)``, in the order of `engines`: compare with the wall
    /// time to see how much reading and writing the pipeline failed to hide.
    public private(set) var busySeconds: [Double] = []

    /// Creates a scheduler over `engines` (at least one).
    public init(engines: [LSTMEngine], readAhead: Int = 1) {
        self.engines = engines
        self.readAhead = max(1, readAhead)
    }

    /// Slices that may be in memory at once, counting those read ahead, being computed and
    /// waiting to be written: the figure to divide a memory budget by.
    public var slicesInFlight: Int { engines.count * (readAhead + 1) + 3 }

    /// Runs every slice: reads it from `source`, computes it on the first free engine,
    /// hands its result to `sink`, and reports the sequences stored so far to `progress`.
    ///
    /// On the first error everything stops: slices not yet computed are dropped, the
    /// threads are joined, and the error is rethrown. `sink` then holds partial results.
    public func run(
        _ slices: [BatchSlice], source: BatchSource, sink: BatchSink, progress: ((Int) -> Void)? = nil
    ) throws {
        busySeconds = Array(repeating: 0, count: engines.count)
        guard !slices.isEmpty else { return }
        guard !engines.isEmpty else { throw RuntimeError.noOpenCLDevice }
        let ready = BoundedQueue<(BatchSlice, ForwardProblem)>(capacity: engines.count * readAhead)
        let done = BoundedQueue<(BatchSlice, ForwardResult)>(capacity: engines.count + 1)
        let failure = FirstFailure()
        let group = DispatchGroup()
        @Sendable func stop(_ error: Error) {
            failure.record(error)
            ready.cancel()
            done.cancel()
        }

        spawn(group) {
            for slice in slices {
                do {
                    guard ready.push((slice, try source.problem(for: slice))) else { return }
                } catch {
                    stop(error)
                    return
                }
            }
            ready.close()
        }
        let remaining = Countdown(engines.count)
        let busy = BusyClock(engines.count)
        for (position, engine) in engines.enumerated() {
            spawn(group) {
                defer { if remaining.decrement() == 0 { done.close() } }
                while let (slice, problem) = ready.pop() {
                    do {
                        let started = DispatchTime.now().uptimeNanoseconds
                        let result = try engine.run(problem)
                        busy.add(DispatchTime.now().uptimeNanoseconds - started, to: position)
                        guard done.push((slice, result)) else { return }
                    } catch {
                        stop(error)
                        return
                    }
                }
            }
        }

        var stored = 0
        var storedSlices = 0
        while let (slice, result) = done.pop() {
            do {
                try sink.store(result, for: slice)
            } catch {
                stop(error)
                break
            }
            stored += slice.sequences.count
            storedSlices += 1
            progress?(stored)
        }
        group.wait()
        busySeconds = busy.seconds
        if let error = failure.error { throw error }
        guard storedSlices == slices.count else {
            throw RuntimeError.problemTooLarge("internal error: \(storedSlices) of \(slices.count) batch slices were computed")
        }
    }

    private func spawn(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
        group.enter()
        let thread = Thread {
            body()
            group.leave()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// The first error any stage hit.
private final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Error?

    func record(_ error: Error) {
        lock.lock()
        if first == nil { first = error }
        lock.unlock()
    }

    var error: Error? {
        lock.lock()
        defer { lock.unlock() }
        return first
    }
}

/// Nanoseconds of work per engine, added from the engines' threads.
private final class BusyClock: @unchecked Sendable {
    private let lock = NSLock()
    private var nanoseconds: [UInt64]

    init(_ count: Int) { nanoseconds = Array(repeating: 0, count: count) }

    func add(_ amount: UInt64, to position: Int) {
        lock.lock()
        nanoseconds[position] += amount
        lock.unlock()
    }

    var seconds: [Double] {
        lock.lock()
        defer { lock.unlock() }
        return nanoseconds.map { Double($0) / 1e9 }
    }
}

/// A shared counter counting down to zero.
private final class Countdown: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int

    init(_ value: Int) { self.value = value }

    func decrement() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value -= 1
        return value
    }
}
