// Every kernel's argument table (KernelSignatures.swift) against the parameter names the
// OpenCL compiler reports, so a parameter inserted in a kernel cannot shift the host's
// bindings unnoticed; and binding refuses a missing or unknown name.
import Foundation
import LSTMCore
@testable import LSTMOpenCL
import OpenCLKit
import Testing

@Suite("Kernel argument tables")
struct KernelSignatureTests {
    /// All kernel files in one program, built with argument info kept.
    static func program() throws -> Program {
        let context = try Context(device: try Device.first())
        let options = "-cl-kernel-arg-info -D GATES=4 -D HAS_PEEPHOLES=1 -D HAS_PROJECTION=1 -D LINEAR_BEFORE_RESET=1"
        return try Program(context: context, source: try ProgramCache.combinedSource(), options: options)
    }

    @Test("each table lists its kernel's parameters, in order")
    func tablesMatchTheCompiler() throws {
        let program = try Self.program()
        for (file, signatures) in KernelSignature.all {
            for signature in signatures {
                let names = try program.kernel(named: signature.name).argumentNames()
                #expect(names == signature.parameters, "\(file): \(signature.name)")
            }
        }
    }

    @Test("every __kernel in Kernels/ has a table")
    func everyKernelHasATable() throws {
        let source = try ProgramCache.combinedSource()
        let pattern = try NSRegularExpression(pattern: #"__kernel\s+void\s+(\w+)\s*\("#)
        let range = NSRange(source.startIndex..., in: source)
        let declared = Set(pattern.matches(in: source, range: range).compactMap {
            Range($0.range(at: 1), in: source).map { String(source[$0]) }
        })
        let tabled = Set(KernelSignature.all.flatMap { $0.signatures.map(\.name) })
        #expect(!declared.isEmpty)
        #expect(declared == tabled)
    }

    @Test("binding refuses a missing or an unknown argument name")
    func bindingChecksNames() throws {
        let program = try Self.program()
        let context = program.context
        let buffer = try Buffer(context: context, byteCount: 64)
        var arguments: [String: KernelArgument] = [:]
        for parameter in KernelSignature.gruResetGate.parameters {
            arguments[parameter] = ["B", "H", "blocks", "stepIndex", "windowStart"].contains(parameter) ? .int(1) : .buffer(buffer)
        }
        _ = try BoundKernel(.gruResetGate, in: program, arguments: arguments)
        var missing = arguments
        missing["hPrev"] = nil
        #expect(throws: OpenCLError.self) { try BoundKernel(.gruResetGate, in: program, arguments: missing) }
        var unknown = arguments
        unknown["hPrevious"] = .buffer(buffer)
        #expect(throws: OpenCLError.self) { try BoundKernel(.gruResetGate, in: program, arguments: unknown) }
        let bound = try BoundKernel(.gruResetGate, in: program, arguments: arguments)
        #expect(throws: OpenCLError.self) { try bound.set("step", 3) }
    }
}
