// Backends for comparing kernel tunings on one model: one per tuning, each with its
// workspace poisoned before every pass so that an element no kernel wrote fails.
import LSTMCore
@testable import LSTMOpenCL
import OpenCLKit

extension OpenCLBackend {
    /// One backend per tuning on `device`, with poisoned workspaces.
    static func poisoned(
        _ tunings: [KernelTuning], model: LSTMModel, device: Device, precision: WeightPrecision = .float32,
        windowSteps: Int? = nil
    ) throws -> [OpenCLBackend] {
        try tunings.map { tuning in
            let backend = try OpenCLBackend(model: model, device: device, options: OpenCLBackendOptions(
                weightPrecision: precision, tuning: tuning, windowSteps: windowSteps))
            backend.poisonsWorkspace = true
            return backend
        }
    }
}
