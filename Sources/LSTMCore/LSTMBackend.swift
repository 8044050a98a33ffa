// What the engine needs from a backend: a forward pass, and for backends with device memory
// of their own, how much a problem needs and what the device offers, so the engine can run
// a large batch in batch slices that give bitwise the one-pass result.

/// Device memory as a backend reports it.
public struct DeviceMemory: Sendable, Equatable {
    /// Bytes of global memory.
    public var total: Int
    /// The largest single allocation, in bytes.
    public var largestAllocation: Int

    public init(total: Int, largestAllocation: Int) {
        self.total = total
        self.largestAllocation = largestAllocation
    }
}

/// Something that can run a forward pass: the CPU reference or an OpenCL device.
public protocol LSTMBackend: AnyObject {
    /// A short human-readable name (`cpu-reference`, `opencl:0 (pthread-haswell)`).
    var name: String { get }
    /// Runs the whole model over the problem.
    func run(_ problem: ForwardProblem) throws -> ForwardResult
    /// The memory of the device the backend computes on; `nil` when it uses host memory.
    var deviceMemory: DeviceMemory? { get }
    /// Device bytes one pass over `steps` × `batch` needs (total, largest buffer), or `nil`
    /// for a backend without device memory.
    func deviceFootprint(steps: Int, batch: Int) -> (total: Int, largest: Int)?
    /// Batch slices that start on a multiple of this many sequences give bitwise the
    /// results of one pass over the whole batch.
    var batchSliceAlignment: Int { get }
}

extension LSTMBackend {
    public var deviceMemory: DeviceMemory? { nil }
    public func deviceFootprint(steps: Int, batch: Int) -> (total: Int, largest: Int)? { nil }
    public var batchSliceAlignment: Int { 1 }
}
