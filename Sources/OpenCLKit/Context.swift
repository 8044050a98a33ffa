// An OpenCL context for one device: the owner of buffers and programs.
import COpenCL

/// A context bound to a single device. Released when the last owner lets go.
public final class Context: @unchecked Sendable {
    // @unchecked: OpenCL contexts are thread-safe per the specification; the handle is immutable.
    let handle: cl_context
    public let device: Device
    /// Whether calls into this context's platform go through ``DriverSerialization``.
    let serialised: Bool

    public init(device: Device) throws {
        var status: cl_int = 0
        var deviceID: cl_device_id? = device.id
        let serialised = DriverSerialization.needsLock(device.platform)
        let created = DriverSerialization.run(serialised) { clCreateContext(nil, 1, &deviceID, nil, nil, &status) }
        try check(status, "clCreateContext", detail: device.name)
        guard let created else { throw OpenCLError(call: "clCreateContext", code: status) }
        handle = created
        LiveObjects.created("Context")
        self.device = device
        self.serialised = serialised
    }

    /// Runs `body` (calls into this context's driver) under the driver lock when the
    /// platform is not thread-safe.
    func call<T>(_ body: () throws -> T) rethrows -> T {
        try DriverSerialization.run(serialised, body)
    }

    deinit {
        let handle = handle
        call { _ = clReleaseContext(handle) }
        LiveObjects.released("Context")
    }
}
