// Which OpenCL device a selection names, for tools that need the device before (or without)
// building an engine, such as `lstm tune` choosing the defaults to start its search from.

extension DeviceSelection {
    /// The OpenCL device this selection names, or `nil` when it means the CPU reference
    /// (`cpu`, or `auto` with no OpenCL device, which also sends `notice` a line).
    ///
    /// - Throws: ``RuntimeError/noOpenCLDevice`` or ``RuntimeError/deviceIndexOutOfRange(index:available:)``
    ///   for an `opencl` selection that names no device.
    public func resolvedDevice(notice: (String) -> Void = { _ in }) throws -> Device? {
        try LSTMEngine.resolve(self, notice: notice)?.device
    }
}
