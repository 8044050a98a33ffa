// OpenCL platforms (one per installed driver) and the devices they expose.
import COpenCL

/// An OpenCL platform: one installed driver such as PoCL or NVIDIA's.
public struct Platform: Sendable {
    let id: cl_platform_id
    public let name: String
    public let vendor: String
    public let version: String

    init(id: cl_platform_id) throws {
        self.id = id
        name = try queryString("clGetPlatformInfo(CL_PLATFORM_NAME)") { clGetPlatformInfo(id, cl_platform_info(CL_PLATFORM_NAME), $0, $1, $2) }
        vendor = try queryString("clGetPlatformInfo(CL_PLATFORM_VENDOR)") { clGetPlatformInfo(id, cl_platform_info(CL_PLATFORM_VENDOR), $0, $1, $2) }
        version = try queryString("clGetPlatformInfo(CL_PLATFORM_VERSION)") { clGetPlatformInfo(id, cl_platform_info(CL_PLATFORM_VERSION), $0, $1, $2) }
    }

    /// Every platform the ICD loader finds. An empty list (not an error) when none is installed.
    ///
    /// Discovery runs once per process: the ICD loader's first enumeration is not safe to
    /// run from several threads at once (concurrent callers can see no platform at all).
    public static func all() throws -> [Platform] {
        try discoveredPlatforms.get()
    }

    fileprivate static func discover() throws -> [Platform] {
        var count: cl_uint = 0
        let status = clGetPlatformIDs(0, nil, &count)
        // The ICD loader reports "no platform" as CL_PLATFORM_NOT_FOUND_KHR.
        if status == Device.platformNotFound || count == 0 { return [] }
        try check(status, "clGetPlatformIDs")
        var ids = [cl_platform_id?](repeating: nil, count: Int(count))
        try check(clGetPlatformIDs(count, &ids, nil), "clGetPlatformIDs")
        return try ids.compactMap { $0 }.map(Platform.init(id:))
    }

    /// The platform's devices of every type, in the driver's order.
    public func devices() throws -> [Device] {
        var count: cl_uint = 0
        let status = clGetDeviceIDs(id, cl_device_type(CL_DEVICE_TYPE_ALL), 0, nil, &count)
        if status == CL_DEVICE_NOT_FOUND || count == 0 { return [] }
        try check(status, "clGetDeviceIDs")
        var ids = [cl_device_id?](repeating: nil, count: Int(count))
        try check(clGetDeviceIDs(id, cl_device_type(CL_DEVICE_TYPE_ALL), count, &ids, nil), "clGetDeviceIDs")
        return try ids.compactMap { $0 }.map { try Device(id: $0, platform: self) }
    }
}

// Platform and device ids are process-wide constants owned by the driver.
extension cl_platform_id: @retroactive @unchecked Sendable {}
extension cl_device_id: @retroactive @unchecked Sendable {}

/// Swift initialises globals exactly once, thread-safely: the lock discovery needs.
private let discoveredPlatforms = Result { try Platform.discover() }
