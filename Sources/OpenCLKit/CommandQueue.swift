// An in-order command queue: transfers, kernel launches and synchronisation.
import COpenCL

/// An in-order queue on one device, optionally with profiling.
public final class CommandQueue: @unchecked Sendable {
    // @unchecked: OpenCL queues are thread-safe; callers serialise multi-command sequences.
    let handle: cl_command_queue
    public let context: Context
    public let profiling: Bool
    /// Sources of writes enqueued without waiting (``enqueueWrite(_:to:offset:)``).
    let stagedWrites = StagedWrites()

    public init(context: Context, profiling: Bool = false) throws {
        var status: cl_int = 0
        let properties = profiling ? cl_command_queue_properties(CL_QUEUE_PROFILING_ENABLE) : 0
        let created = context.call { clCreateCommandQueue(context.handle, context.device.id, properties, &status) }
        try check(status, "clCreateCommandQueue")
        guard let created else { throw OpenCLError(call: "clCreateCommandQueue", code: status) }
        handle = created
        LiveObjects.created("CommandQueue")
        self.context = context
        self.profiling = profiling
    }

    deinit {
        let handle = handle
        // Pending writes still read their staged copies, which go with this object.
        if !stagedWrites.isEmpty { context.call { _ = clFinish(handle) } }
        context.call { _ = clReleaseCommandQueue(handle) }
        LiveObjects.released("CommandQueue")
    }

    /// Copies `values` into `buffer` starting at element `offset` (blocking).
    public func write<T>(_ values: [T], to buffer: Buffer, offset: Int = 0) throws {
        guard let (start, bytes) = try writeRange(of: values, to: buffer, offset: offset) else { return }
        try values.withUnsafeBytes { raw in
            try check(context.call { clEnqueueWriteBuffer(handle, buffer.handle, cl_bool(CL_TRUE), start, bytes, raw.baseAddress, 0, nil, nil) },
                      "clEnqueueWriteBuffer")
        }
        stagedWrites.releaseAll()
    }

    /// Enqueues a copy of `values` into `buffer` from element `offset` and returns without
    /// waiting for it: the values are first copied on the host into memory the queue keeps until
    /// its next blocking call (so a blocking call on another thread must not run between this
    /// one's staging and its enqueue: callers serialise, as for every multi-command sequence).
    /// For small arrays, where the wait costs more than the copy.
    public func enqueueWrite<T>(_ values: [T], to buffer: Buffer, offset: Int = 0) throws {
        guard let (start, bytes) = try writeRange(of: values, to: buffer, offset: offset) else { return }
        try enqueueStagedWrite(to: buffer, byteOffset: start, byteCount: bytes) { staged in
            values.withUnsafeBytes { staged.copyMemory(from: $0) }
        }
    }

    /// Enqueues a write of `byteCount` bytes at `byteOffset` of `buffer` that `fill` composes in
    /// place, in memory the queue keeps until its next blocking call (as
    /// ``enqueueWrite(_:to:offset:)``, without a copy of an array first). Nothing is enqueued
    /// when `fill` throws.
    public func enqueueStagedWrite(
        to buffer: Buffer, byteOffset: Int, byteCount: Int, fill: (UnsafeMutableRawBufferPointer) throws -> Void
    ) throws {
        guard byteOffset >= 0, byteCount >= 0, byteOffset + byteCount <= buffer.byteCount else {
            throw OpenCLError(call: "clEnqueueWriteBuffer", code: CL_INVALID_VALUE, detail: "\(byteCount) bytes at \(byteOffset) into a \(buffer.byteCount)-byte buffer")
        }
        guard byteCount > 0 else { return }
        let staged = stagedWrites.allocate(byteCount: byteCount)
        try fill(staged)
        try check(context.call { clEnqueueWriteBuffer(handle, buffer.handle, cl_bool(CL_FALSE), byteOffset, byteCount, staged.baseAddress, 0, nil, nil) },
                  "clEnqueueWriteBuffer")
    }

    /// The byte offset and length of writing `values` at element `offset`, or nil when there is
    /// nothing to write; throws when they do not fit `buffer`.
    private func writeRange<T>(of values: [T], to buffer: Buffer, offset: Int) throws -> (start: Int, bytes: Int)? {
        let bytes = values.count * MemoryLayout<T>.stride
        let start = offset * MemoryLayout<T>.stride
        guard offset >= 0, start + bytes <= buffer.byteCount else {
            throw OpenCLError(call: "clEnqueueWriteBuffer", code: CL_INVALID_VALUE, detail: "\(bytes) bytes at \(start) into a \(buffer.byteCount)-byte buffer")
        }
        return bytes > 0 ? (start, bytes) : nil
    }

    /// Reads `count` elements starting at element `offset` of `buffer` (blocking), straight
    /// into the new array's storage: the elements are never zeroed first (for a 26 MB output
    /// that pass over memory cost more than the read itself).
    public func read<T: BitwiseCopyable>(_ buffer: Buffer, count: Int, offset: Int = 0, as type: T.Type = T.self) throws -> [T] {
        let bytes = count * MemoryLayout<T>.stride
        let start = offset * MemoryLayout<T>.stride
        guard count >= 0, start + bytes <= buffer.byteCount else {
            throw OpenCLError(call: "clEnqueueReadBuffer", code: CL_INVALID_VALUE, detail: "\(bytes) bytes at \(start) from a \(buffer.byteCount)-byte buffer")
        }
        guard bytes > 0 else { return [] }
        return try [T](unsafeUninitializedCapacity: count) { storage, initialized in
            // On a throw the array keeps no elements (initialized stays 0).
            try check(context.call { clEnqueueReadBuffer(handle, buffer.handle, cl_bool(CL_TRUE), start, bytes, storage.baseAddress, 0, nil, nil) },
                      "clEnqueueReadBuffer")
            stagedWrites.releaseAll()
            initialized = count
        }
    }

    /// Reads `count` floats starting at element `offset` (blocking).
    public func readFloats(_ buffer: Buffer, count: Int, offset: Int = 0) throws -> [Float] {
        try read(buffer, count: count, offset: offset, as: Float.self)
    }

    /// Enqueues a copy of `byteCount` bytes between buffers.
    public func copy(from source: Buffer, sourceOffset: Int = 0, to destination: Buffer, destinationOffset: Int = 0, byteCount: Int) throws {
        guard byteCount > 0 else { return }
        try check(context.call { clEnqueueCopyBuffer(handle, source.handle, destination.handle, sourceOffset, destinationOffset, byteCount, 0, nil, nil) },
                  "clEnqueueCopyBuffer")
    }

    /// Fills a buffer with a repeated float value.
    public func fill(_ buffer: Buffer, with value: Float, byteCount: Int? = nil) throws {
        var pattern = value
        let size = byteCount ?? buffer.byteCount
        guard size > 0 else { return }
        try check(context.call { clEnqueueFillBuffer(handle, buffer.handle, &pattern, MemoryLayout<Float>.size, 0, size, 0, nil, nil) },
                  "clEnqueueFillBuffer")
    }

    /// Launches `kernel` over `global` work-items in groups of `local` (same rank).
    ///
    /// - Parameter wantEvent: return the launch's event (for profiling); otherwise none is created.
    @discardableResult
    public func enqueue(_ kernel: Kernel, global: [Int], local: [Int]?, wantEvent: Bool = false) throws -> Event? {
        var event: cl_event?
        let status = context.call { withUnsafeMutablePointer(to: &event) { eventPointer -> cl_int in
            let eventOut = wantEvent ? eventPointer : nil
            return global.withUnsafeBufferPointer { globalSizes -> cl_int in
                guard let local else {
                    return clEnqueueNDRangeKernel(handle, kernel.handle, cl_uint(global.count), nil,
                                                  globalSizes.baseAddress, nil, 0, nil, eventOut)
                }
                return local.withUnsafeBufferPointer { localSizes in
                    clEnqueueNDRangeKernel(handle, kernel.handle, cl_uint(global.count), nil,
                                           globalSizes.baseAddress, localSizes.baseAddress, 0, nil, eventOut)
                }
            }
        } }
        try check(status, "clEnqueueNDRangeKernel", detail: "kernel '\(kernel.name)' global \(global) local \(local.map { "\($0)" } ?? "nil")")
        return event.map { Event(handle: $0, serialised: context.serialised) }
    }

    /// Blocks until every enqueued command has finished.
    public func finish() throws {
        try check(context.call { clFinish(handle) }, "clFinish")
        stagedWrites.releaseAll()
    }
}
