// The one error type of the OpenCL wrapper: which call failed, with which CL status.
import COpenCL

/// A failed OpenCL call, naming the call and the status code (`CL_INVALID_WORK_GROUP_SIZE (-54)`).
public struct OpenCLError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The C function that failed, e.g. `clEnqueueNDRangeKernel`.
    public let call: String
    /// The raw status code.
    public let code: Int32
    /// The compiler's log when a program build failed.
    public let buildLog: String?
    /// Extra context (kernel name, sizes) when the caller knows it.
    public let detail: String?

    public init(call: String, code: Int32, buildLog: String? = nil, detail: String? = nil) {
        self.call = call
        self.code = code
        self.buildLog = buildLog
        self.detail = detail
    }

    /// The status code's name from the OpenCL headers, e.g. `CL_OUT_OF_RESOURCES`.
    public var codeName: String { openCLStatusNames[code] ?? "CL_UNKNOWN_ERROR" }

    public var description: String {
        var text = "\(call) failed: \(codeName) (\(code))"
        if let detail { text += " [\(detail)]" }
        if let buildLog, !buildLog.isEmpty { text += "\nbuild log:\n\(buildLog)" }
        return text
    }
}

/// Throws an ``OpenCLError`` unless `status` is `CL_SUCCESS`.
@inline(__always)
func check(_ status: cl_int, _ call: String, detail: @autoclosure () -> String? = nil) throws {
    guard status == CL_SUCCESS else { throw OpenCLError(call: call, code: status, detail: detail()) }
}
