// A command's completion event, with profiling timestamps.
import COpenCL

/// The event of one enqueued command. Profiling times need a queue created with profiling.
public final class Event: @unchecked Sendable {
    let handle: cl_event
    /// Whether calls go through ``DriverSerialization`` (the queue's platform is not thread-safe).
    let serialised: Bool

    init(handle: cl_event, serialised: Bool) {
        self.handle = handle
        self.serialised = serialised
        LiveObjects.created("Event")
    }

    deinit {
        let handle = handle
        DriverSerialization.run(serialised) { _ = clReleaseEvent(handle) }
        LiveObjects.released("Event")
    }

    /// Blocks until the command completes.
    public func wait() throws {
        var event: cl_event? = handle
        try check(DriverSerialization.run(serialised) { clWaitForEvents(1, &event) }, "clWaitForEvents")
    }

    /// Device time from start to end of the command, in nanoseconds.
    public func durationNanoseconds() throws -> UInt64 {
        try timestamp(CL_PROFILING_COMMAND_END) &- timestamp(CL_PROFILING_COMMAND_START)
    }

    /// A raw profiling timestamp (`CL_PROFILING_COMMAND_START`, `..._END`, ...).
    public func timestamp(_ parameter: Int32) throws -> UInt64 {
        try DriverSerialization.run(serialised) {
            try queryValue("clGetEventProfilingInfo", cl_ulong(0)) {
                clGetEventProfilingInfo(handle, cl_profiling_info(parameter), $0, $1, $2)
            }
        }
    }
}
