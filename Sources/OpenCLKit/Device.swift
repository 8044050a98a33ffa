// An OpenCL device with the facts the runtime needs to choose and size work.
import COpenCL

/// What kind of processor a device is.
public enum DeviceKind: String, Sendable {
    case cpu, gpu, accelerator, other
}

/// One OpenCL device and its properties, read once when listed.
public struct Device: Sendable, CustomStringConvertible {
    let id: cl_device_id
    public let platform: Platform
    public let name: String
    public let vendor: String
    /// Driver version string (`CL_DRIVER_VERSION`), part of cache keys.
    public let driverVersion: String
    /// `CL_DEVICE_VERSION`, e.g. "OpenCL 1.2 PoCL ...".
    public let version: String
    public let kind: DeviceKind
    public let computeUnits: Int
    /// Global memory in bytes.
    public let globalMemory: Int
    /// Largest single buffer in bytes (`CL_DEVICE_MAX_MEM_ALLOC_SIZE`).
    public let maxAllocation: Int
    public let localMemory: Int
    public let maxWorkGroupSize: Int
    public let extensions: [String]
    /// `CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT`: floats per vector the compiler prefers
    /// (16 on PoCL for AVX-512 CPUs, 8 for AVX2; often 1 on GPUs).
    public let preferredVectorWidthFloat: Int
    /// `CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT`: floats per native vector register.
    public let nativeVectorWidthFloat: Int
    /// `CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE`: bytes per line of the global memory cache (64 on
    /// x86 CPUs), or 0 where the device has no such cache.
    public let globalMemoryCacheLine: Int

    init(id: cl_device_id, platform: Platform) throws {
        self.id = id
        self.platform = platform
        func string(_ param: Int32, _ label: String) throws -> String {
            try queryString("clGetDeviceInfo(\(label))") { clGetDeviceInfo(id, cl_device_info(param), $0, $1, $2) }
        }
        func value<T>(_ param: Int32, _ label: String, _ initial: T) throws -> T {
            try queryValue("clGetDeviceInfo(\(label))", initial) { clGetDeviceInfo(id, cl_device_info(param), $0, $1, $2) }
        }
        name = try string(CL_DEVICE_NAME, "CL_DEVICE_NAME")
        vendor = try string(CL_DEVICE_VENDOR, "CL_DEVICE_VENDOR")
        driverVersion = try string(CL_DRIVER_VERSION, "CL_DRIVER_VERSION")
        version = try string(CL_DEVICE_VERSION, "CL_DEVICE_VERSION")
        extensions = try string(CL_DEVICE_EXTENSIONS, "CL_DEVICE_EXTENSIONS").split(separator: " ").map(String.init)
        let type: cl_device_type = try value(CL_DEVICE_TYPE, "CL_DEVICE_TYPE", 0)
        if type & cl_device_type(CL_DEVICE_TYPE_GPU) != 0 {
            kind = .gpu
        } else if type & cl_device_type(CL_DEVICE_TYPE_CPU) != 0 {
            kind = .cpu
        } else if type & cl_device_type(CL_DEVICE_TYPE_ACCELERATOR) != 0 {
            kind = .accelerator
        } else {
            kind = .other
        }
        computeUnits = Int(try value(CL_DEVICE_MAX_COMPUTE_UNITS, "CL_DEVICE_MAX_COMPUTE_UNITS", cl_uint(0)))
        globalMemory = Int(clamping: try value(CL_DEVICE_GLOBAL_MEM_SIZE, "CL_DEVICE_GLOBAL_MEM_SIZE", cl_ulong(0)))
        maxAllocation = Int(clamping: try value(CL_DEVICE_MAX_MEM_ALLOC_SIZE, "CL_DEVICE_MAX_MEM_ALLOC_SIZE", cl_ulong(0)))
        localMemory = Int(clamping: try value(CL_DEVICE_LOCAL_MEM_SIZE, "CL_DEVICE_LOCAL_MEM_SIZE", cl_ulong(0)))
        maxWorkGroupSize = try value(CL_DEVICE_MAX_WORK_GROUP_SIZE, "CL_DEVICE_MAX_WORK_GROUP_SIZE", 0)
        preferredVectorWidthFloat = Int(
            try value(CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT, "CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT", cl_uint(0)))
        nativeVectorWidthFloat = Int(
            try value(CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT, "CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT", cl_uint(0)))
        globalMemoryCacheLine = Int(
            try value(CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE, "CL_DEVICE_GLOBAL_MEM_CACHELINE_SIZE", cl_uint(0)))
    }

    /// Every device of every platform, platform by platform: the order behind `opencl:N`.
    /// Enumerated once per process, for the same reason as ``Platform/all()``.
    public static func all() throws -> [Device] {
        try discoveredDevices.get()
    }

    /// The first device of ``all()``.
    ///
    /// - Throws: ``OpenCLError`` (`CL_PLATFORM_NOT_FOUND_KHR`) saying how to install a driver
    ///   when there is none, so a caller that needs a device fails instead of skipping.
    public static func first() throws -> Device {
        guard let device = try all().first else {
            throw OpenCLError(
                call: "clGetPlatformIDs", code: platformNotFound,
                detail: "no OpenCL device found: install an OpenCL driver, e.g. apt-get install pocl-opencl-icd")
        }
        return device
    }

    /// `CL_PLATFORM_NOT_FOUND_KHR`: the ICD loader's status when no driver is installed.
    static let platformNotFound: Int32 = -1001

    public var description: String { "\(name) (\(platform.name), \(kind.rawValue))" }
}

private let discoveredDevices = Result { try Platform.all().flatMap { try $0.devices() } }
