// An OpenCL context for one device: the owner of buffers and programs.
import COpenCL

/// A context bound to a single device. Released when the last owner lets go.
public final class Context: @unchecked Sendable {
    // @unchecked: OpenCL contexts are thread-safe per the specification; the handle is immutable.
    let handle: cl_context
    public let device: Device

    public init(device: Device) throws {
        var status: cl_int = 0
        var deviceID: cl_device_id? = device.id
        let created = clCreateContext(nil, 1, &deviceID, nil, nil, &status)
        try check(status, "clCreateContext", detail: device.name)
        guard let created else { throw OpenCLError(call: "clCreateContext", code: status) }
        handle = created
        LiveObjects.created("Context")
        self.device = device
    }

    deinit {
        clReleaseContext(handle)
        LiveObjects.released("Context")
    }
}
