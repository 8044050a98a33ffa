// Kernel arguments bound by name. Each kernel's parameter list is written down once, in
// KernelSignatures.swift; a kernel object is created with a value for every name, and the
// values that change between launches are set by name too, so inserting a parameter in a
// kernel cannot silently shift the others. A test checks every table against the
// parameter names the compiler reports.
import LSTMCore
import OpenCLKit

/// A kernel's name and its parameter names in declaration order.
struct KernelSignature: Sendable {
    let name: String
    let parameters: [String]

    /// The position of `parameter`, or an error naming the kernel.
    func index(of parameter: String) throws -> Int {
        guard let index = parameters.firstIndex(of: parameter) else {
            throw OpenCLError(call: "binding kernel arguments", code: -49, detail: "kernel '\(name)' has no parameter '\(parameter)'")
        }
        return index
    }
}

/// A kernel object whose arguments were all set by name from its ``KernelSignature``.
final class BoundKernel {
    let kernel: Kernel
    let signature: KernelSignature
    /// The buffer each buffer parameter is bound to now, by parameter index.
    private var boundBuffers: [Int: Buffer] = [:]

    /// Creates `signature`'s kernel from `program` and sets every argument.
    ///
    /// - Throws: `OpenCLError` when `arguments` misses a parameter or names one the
    ///   signature does not have.
    init(_ signature: KernelSignature, in program: Program, arguments: [String: KernelArgument]) throws {
        let unknown = Set(arguments.keys).subtracting(signature.parameters)
        let missing = signature.parameters.filter { arguments[$0] == nil }
        guard unknown.isEmpty, missing.isEmpty else {
            throw OpenCLError(
                call: "binding kernel arguments", code: -50,
                detail: "kernel '\(signature.name)': missing \(missing), unknown \(unknown.sorted())")
        }
        kernel = try program.kernel(named: signature.name)
        self.signature = signature
        for (index, parameter) in signature.parameters.enumerated() {
            if let argument = arguments[parameter] { try setArgument(index, argument) }
        }
    }

    /// Sets one argument by name (the values that change between launches).
    func set(_ parameter: String, _ argument: KernelArgument) throws {
        try setArgument(signature.index(of: parameter), argument)
    }

    /// Whether some parameter is bound to `buffer` now.
    func binds(_ buffer: Buffer) -> Bool {
        boundBuffers.values.contains { $0 === buffer }
    }

    /// Binds every parameter now bound to `old` to `new` instead.
    func rebind(_ old: Buffer, to new: Buffer) throws {
        for (index, buffer) in boundBuffers where buffer === old {
            try setArgument(index, .buffer(new))
        }
    }

    private func setArgument(_ index: Int, _ argument: KernelArgument) throws {
        try kernel.setArgument(index, argument)
        if case .buffer(let buffer) = argument { boundBuffers[index] = buffer } else { boundBuffers[index] = nil }
    }

    /// Sets one integer argument by name.
    func set(_ parameter: String, _ value: Int) throws {
        try set(parameter, .int(Int32(value)))
    }
}
