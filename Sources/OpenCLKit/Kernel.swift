// A kernel and its arguments.
import COpenCL

/// One argument value for ``Kernel/setArguments(_:)``.
public enum KernelArgument {
    case buffer(Buffer)
    case int(Int32)
    case float(Float)
    /// Work-group local memory of this many bytes.
    case local(bytes: Int)
}

/// A `__kernel` function of a ``Program``. Not thread-safe: arguments are per-object state.
public final class Kernel {
    let handle: cl_kernel
    public let program: Program
    public let name: String

    init(program: Program, name: String) throws {
        var status: cl_int = 0
        let created = program.context.call { clCreateKernel(program.handle, name, &status) }
        try check(status, "clCreateKernel", detail: "kernel '\(name)'")
        guard let created else { throw OpenCLError(call: "clCreateKernel", code: status, detail: "kernel '\(name)'") }
        handle = created
        LiveObjects.created("Kernel")
        self.program = program
        self.name = name
    }

    deinit {
        let handle = handle
        program.context.call { _ = clReleaseKernel(handle) }
        LiveObjects.released("Kernel")
    }

    /// Sets argument `index`.
    public func setArgument(_ index: Int, _ argument: KernelArgument) throws {
        try program.context.call { try setArgumentUnlocked(index, argument) }
    }

    private func setArgumentUnlocked(_ index: Int, _ argument: KernelArgument) throws {
        let call = "clSetKernelArg"
        let detail = "kernel '\(name)' argument \(index)"
        switch argument {
        case .buffer(let buffer):
            var memory: cl_mem? = buffer.handle
            try check(clSetKernelArg(handle, cl_uint(index), MemoryLayout<cl_mem>.size, &memory), call, detail: detail)
        case .int(let value):
            var value = value
            try check(clSetKernelArg(handle, cl_uint(index), MemoryLayout<Int32>.size, &value), call, detail: detail)
        case .float(let value):
            var value = value
            try check(clSetKernelArg(handle, cl_uint(index), MemoryLayout<Float>.size, &value), call, detail: detail)
        case .local(let bytes):
            try check(clSetKernelArg(handle, cl_uint(index), bytes, nil), call, detail: detail)
        }
    }

    /// Sets arguments 0..<n in order.
    public func setArguments(_ arguments: [KernelArgument]) throws {
        for (index, argument) in arguments.enumerated() { try setArgument(index, argument) }
    }
}
