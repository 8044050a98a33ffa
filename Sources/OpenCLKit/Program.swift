// A compiled OpenCL program, built from source or from a cached binary.
import COpenCL

/// A program built for its context's device. A failed build throws with the build log.
public final class Program: @unchecked Sendable {
    // @unchecked: immutable handle; kernels are created per use, never shared across threads.
    let handle: cl_program
    public let context: Context
    public let options: String

    /// Compiles `source` with `options` (e.g. `-D TILE=8`).
    public init(context: Context, source: String, options: String = "") throws {
        var status: cl_int = 0
        let created: cl_program? = context.call {
            source.withCString { pointer in
                var string: UnsafePointer<CChar>? = pointer
                return clCreateProgramWithSource(context.handle, 1, &string, nil, &status)
            }
        }
        try check(status, "clCreateProgramWithSource")
        guard let created else { throw OpenCLError(call: "clCreateProgramWithSource", code: status) }
        handle = created
        LiveObjects.created("Program")
        self.context = context
        self.options = options
        try build()
    }

    /// Loads a binary previously obtained from ``binary()`` on the same device and driver.
    public init(context: Context, binary: [UInt8], options: String = "") throws {
        var status: cl_int = 0
        var binaryStatus: cl_int = 0
        var deviceID: cl_device_id? = context.device.id
        var length = binary.count
        let created: cl_program? = context.call {
            binary.withUnsafeBufferPointer { bytes in
                var pointer: UnsafePointer<UInt8>? = bytes.baseAddress
                return clCreateProgramWithBinary(context.handle, 1, &deviceID, &length, &pointer, &binaryStatus, &status)
            }
        }
        try check(status, "clCreateProgramWithBinary")
        try check(binaryStatus, "clCreateProgramWithBinary")
        guard let created else { throw OpenCLError(call: "clCreateProgramWithBinary", code: status) }
        handle = created
        LiveObjects.created("Program")
        self.context = context
        self.options = options
        try build()
    }

    deinit {
        let handle = handle
        context.call { _ = clReleaseProgram(handle) }
        LiveObjects.released("Program")
    }

    private func build() throws {
        var deviceID: cl_device_id? = context.device.id
        let status = context.call { clBuildProgram(handle, 1, &deviceID, options, nil, nil) }
        guard status == CL_SUCCESS else {
            throw OpenCLError(call: "clBuildProgram", code: status, buildLog: buildLog(), detail: options.isEmpty ? nil : "options: \(options)")
        }
    }

    /// The compiler's output for this device (empty when the driver has nothing to say).
    public func buildLog() -> String {
        let deviceID = context.device.id
        return context.call {
            (try? queryString("clGetProgramBuildInfo") {
                clGetProgramBuildInfo(handle, deviceID, cl_program_build_info(CL_PROGRAM_BUILD_LOG), $0, $1, $2)
            }) ?? ""
        }
    }

    /// The device binary, for an on-disk program cache.
    public func binary() throws -> [UInt8] {
        try context.call { try binaryUnlocked() }
    }

    private func binaryUnlocked() throws -> [UInt8] {
        let size: Int = try queryValue("clGetProgramInfo(CL_PROGRAM_BINARY_SIZES)", 0) {
            clGetProgramInfo(handle, cl_program_info(CL_PROGRAM_BINARY_SIZES), $0, $1, $2)
        }
        guard size > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: size)
        try bytes.withUnsafeMutableBufferPointer { buffer in
            var pointer: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            try withUnsafeMutableBytes(of: &pointer) { pointers in
                try check(clGetProgramInfo(handle, cl_program_info(CL_PROGRAM_BINARIES), pointers.count, pointers.baseAddress, nil),
                          "clGetProgramInfo(CL_PROGRAM_BINARIES)")
            }
        }
        return bytes
    }

    /// Creates a kernel object for the `__kernel` function `name`.
    public func kernel(named name: String) throws -> Kernel {
        try Kernel(program: self, name: name)
    }
}
