// Mapping a buffer region into host memory for the length of a closure. On a CPU device the
// buffer already lives in host memory, so the host can fill or drain it with its own threads
// instead of the driver's single memcpy.
import COpenCL

/// What the host does with a mapped region.
public enum MapAccess: Sendable {
    /// The host reads the region (it holds the buffer's contents).
    case read
    /// The host overwrites all of the region (its previous contents need not be copied in).
    case overwrite

    var flags: cl_map_flags {
        switch self {
        case .read: return cl_map_flags(CL_MAP_READ)
        case .overwrite: return cl_map_flags(CL_MAP_WRITE_INVALIDATE_REGION)
        }
    }
}

extension CommandQueue {
    /// Maps `byteCount` bytes from byte `offset` of `buffer` (blocking: every command before it
    /// has finished), runs `body` on them and unmaps them again, also when `body` throws.
    /// Commands enqueued afterwards see what `body` wrote.
    public func withMapped<Result>(
        _ buffer: Buffer, offset: Int = 0, byteCount: Int, access: MapAccess,
        _ body: (UnsafeMutableRawBufferPointer) throws -> Result
    ) throws -> Result {
        guard offset >= 0, byteCount > 0, offset + byteCount <= buffer.byteCount else {
            throw OpenCLError(call: "clEnqueueMapBuffer", code: CL_INVALID_VALUE, detail: "\(byteCount) bytes at \(offset) of a \(buffer.byteCount)-byte buffer")
        }
        var status: cl_int = 0
        let mapped = context.call {
            clEnqueueMapBuffer(handle, buffer.handle, cl_bool(CL_TRUE), access.flags, offset, byteCount, 0, nil, nil, &status)
        }
        try check(status, "clEnqueueMapBuffer")
        guard let mapped else { throw OpenCLError(call: "clEnqueueMapBuffer", code: status) }
        stagedWrites.releaseAll()
        let result: Result
        do {
            result = try body(UnsafeMutableRawBufferPointer(start: mapped, count: byteCount))
        } catch {
            _ = context.call { clEnqueueUnmapMemObject(handle, buffer.handle, mapped, 0, nil, nil) }
            throw error
        }
        try check(context.call { clEnqueueUnmapMemObject(handle, buffer.handle, mapped, 0, nil, nil) }, "clEnqueueUnmapMemObject")
        return result
    }
}
