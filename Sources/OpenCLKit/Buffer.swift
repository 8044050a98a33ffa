// Device memory owned by a Swift value.
import COpenCL

/// A device buffer of `byteCount` bytes; keeps its context alive and releases itself.
public final class Buffer: @unchecked Sendable {
    // @unchecked: the handle is immutable; OpenCL memory objects may be shared across threads.
    let handle: cl_mem
    public let context: Context
    public let byteCount: Int

    /// Allocates an uninitialised read-write buffer.
    public convenience init(context: Context, byteCount: Int) throws {
        try self.init(context: context, flags: CL_MEM_READ_WRITE, byteCount: byteCount, hostMemory: nil)
    }

    /// A buffer over `byteCount` bytes of host memory at `hostMemory` (`CL_MEM_USE_HOST_PTR`):
    /// on a CPU device (PoCL) the kernels read and write that memory itself, with no copy.
    /// The caller keeps the memory valid, and touches it only through a mapping, until the
    /// buffer is released and every command using it has finished. `readOnly` buffers are
    /// only read by kernels.
    public convenience init(context: Context, wrapping hostMemory: UnsafeMutableRawPointer, byteCount: Int, readOnly: Bool) throws {
        let access = readOnly ? CL_MEM_READ_ONLY : CL_MEM_READ_WRITE
        try self.init(context: context, flags: access | CL_MEM_USE_HOST_PTR, byteCount: byteCount, hostMemory: hostMemory)
    }

    /// `clCreateBuffer` with `flags`; an allocated buffer has at least 4 bytes.
    private init(context: Context, flags: Int32, byteCount: Int, hostMemory: UnsafeMutableRawPointer?) throws {
        var status: cl_int = 0
        let size = hostMemory == nil ? max(byteCount, 4) : byteCount
        let created = context.call { clCreateBuffer(context.handle, cl_mem_flags(flags), size, hostMemory, &status) }
        try check(status, "clCreateBuffer", detail: "\(byteCount) bytes" + (hostMemory == nil ? "" : " of host memory"))
        guard let created else { throw OpenCLError(call: "clCreateBuffer", code: status) }
        handle = created
        LiveObjects.created("Buffer")
        self.context = context
        self.byteCount = byteCount
    }

    deinit {
        let handle = handle
        context.call { _ = clReleaseMemObject(handle) }
        LiveObjects.released("Buffer")
    }
}
