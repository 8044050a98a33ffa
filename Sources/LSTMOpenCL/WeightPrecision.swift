// How the OpenCL backend stores weights on the device.

/// Storage precision of the weights on the device; arithmetic is always fp32.
public enum WeightPrecision: String, Sendable, CaseIterable {
    /// 32-bit floats: exact copies of the model's weights.
    case float32 = "f32"
    /// IEEE half precision, converted exactly to fp32 as the kernels load it (`vcvtph2ps` on
    /// F16C CPUs, `vload_half` elsewhere): half the bytes streamed per step.
    case float16 = "f16"

    /// Bytes per stored weight.
    public var byteWidth: Int { self == .float32 ? 4 : 2 }

    /// Converts packed fp32 weights to the bytes the kernels read.
    func encode(_ values: [Float]) -> [UInt16]? {
        guard self == .float16 else { return nil }
        return values.map { Float16($0).bitPattern }
    }
}
