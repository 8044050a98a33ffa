// The OpenCL wrapper's behaviour and error paths on a real device (PoCL in CI).
import Foundation
import OpenCLKit
import Testing

@Suite("OpenCL wrapper")
struct OpenCLWrapperTests {
    @Test("devices report sane properties")
    func deviceProperties() throws {
        let device = try Device.first()
        #expect(!device.name.isEmpty)
        #expect(!device.platform.name.isEmpty)
        #expect(device.computeUnits > 0)
        #expect(device.globalMemory > 0)
        #expect(device.maxAllocation > 0 && device.maxAllocation <= device.globalMemory)
    }

    @Test("a kernel runs and writes every element")
    func kernelRoundTrip() throws {
        let context = try Context(device: try Device.first())
        let queue = try CommandQueue(context: context, profiling: true)
        let source = """
            __kernel void axpy(__global const float *x, __global float *y, float a, int n) {
                int i = get_global_id(0);
                if (i < n) y[i] = a * x[i] + y[i];
            }
            """
        let kernel = try Program(context: context, source: source).kernel(named: "axpy")
        let count = 1000
        let x = (0..<count).map { Float($0) * 0.5 - 7 }
        let y = (0..<count).map { Float($0 % 13) - 3 }
        let xBuffer = try Buffer(context: context, byteCount: count * 4)
        let yBuffer = try Buffer(context: context, byteCount: count * 4)
        try queue.write(x, to: xBuffer)
        try queue.write(y, to: yBuffer)
        try kernel.setArguments([.buffer(xBuffer), .buffer(yBuffer), .float(2.5), .int(Int32(count))])
        let event = try queue.enqueue(kernel, global: [1024], local: [64], wantEvent: true)
        try queue.finish()
        let result = try queue.readFloats(yBuffer, count: count)
        #expect(result == zip(x, y).map { 2.5 * $0 + $1 })
        let duration = try #require(event).durationNanoseconds()
        #expect(duration > 0)
    }

    @Test("a bad kernel source fails with the build log")
    func buildFailureCarriesLog() throws {
        let context = try Context(device: try Device.first())
        let source = "__kernel void broken(__global float *x) { x[0] = undefined_name; }"
        do {
            _ = try Program(context: context, source: source)
            Issue.record("building invalid source succeeded")
        } catch let error as OpenCLError {
            #expect(error.call == "clBuildProgram")
            #expect(error.codeName == "CL_BUILD_PROGRAM_FAILURE")
            #expect(error.buildLog?.contains("undefined_name") == true, "log: \(error.buildLog ?? "nil")")
            #expect(error.description.contains("CL_BUILD_PROGRAM_FAILURE (-11)"))
        }
    }

    @Test("an unknown kernel name is a typed error naming the kernel")
    func unknownKernelName() throws {
        let context = try Context(device: try Device.first())
        let program = try Program(context: context, source: "__kernel void present(__global float *x) { x[0] = 1.0f; }")
        do {
            _ = try program.kernel(named: "absent")
            Issue.record("creating a missing kernel succeeded")
        } catch let error as OpenCLError {
            #expect(error.call == "clCreateKernel")
            #expect(error.codeName == "CL_INVALID_KERNEL_NAME")
            #expect(error.description.contains("CL_INVALID_KERNEL_NAME (-46)"))
            #expect(error.description.contains("absent"))
        }
    }

    @Test("an invalid work-group size names the CL code")
    func invalidWorkGroupSize() throws {
        let context = try Context(device: try Device.first())
        let queue = try CommandQueue(context: context)
        let kernel = try Program(context: context, source: "__kernel void k(__global float *x) { x[get_global_id(0)] = 1.0f; }")
            .kernel(named: "k")
        try kernel.setArguments([.buffer(try Buffer(context: context, byteCount: 400))])
        // 100 work-items in groups of 7 is invalid in OpenCL 1.2 (global must be a multiple of local).
        #expect(throws: OpenCLError.self) { try queue.enqueue(kernel, global: [100], local: [7]) }
        do {
            try queue.enqueue(kernel, global: [100], local: [7])
        } catch let error as OpenCLError {
            #expect(error.codeName == "CL_INVALID_WORK_GROUP_SIZE")
            #expect(error.description.contains("(-54)"))
        }
    }

    @Test("reads and writes past a buffer's end are rejected before reaching the driver")
    func outOfBoundsTransfers() throws {
        let context = try Context(device: try Device.first())
        let queue = try CommandQueue(context: context)
        let buffer = try Buffer(context: context, byteCount: 16)
        #expect(throws: OpenCLError.self) { try queue.write([Float](repeating: 1, count: 5), to: buffer) }
        #expect(throws: OpenCLError.self) { _ = try queue.readFloats(buffer, count: 2, offset: 3) }
    }

    @Test("handles are released when their last owner goes, also after a failed build")
    func handlesAreReleased() throws {
        let device = try Device.first()
        weak var weakContext: Context?
        weak var weakQueue: CommandQueue?
        weak var weakProgram: Program?
        weak var weakKernel: Kernel?
        weak var weakBuffer: Buffer?
        weak var weakEvent: Event?
        do {
            let context = try Context(device: device)
            let queue = try CommandQueue(context: context)
            let program = try Program(context: context, source: "__kernel void k(__global float *x) { x[0] = 2.0f; }")
            let kernel = try program.kernel(named: "k")
            let buffer = try Buffer(context: context, byteCount: 4)
            try kernel.setArguments([.buffer(buffer)])
            let event = try queue.enqueue(kernel, global: [1], local: [1], wantEvent: true)
            try queue.finish()
            #expect(try queue.readFloats(buffer, count: 1) == [2])
            #expect(throws: OpenCLError.self) { try Program(context: context, source: "not OpenCL at all") }
            (weakContext, weakQueue, weakProgram, weakKernel, weakBuffer, weakEvent) = (context, queue, program, kernel, buffer, event)
            // Children keep their parents alive.
            #expect(kernel.program === program && buffer.context === context)
        }
        #expect(weakContext == nil && weakQueue == nil && weakProgram == nil)
        #expect(weakKernel == nil && weakBuffer == nil && weakEvent == nil)
    }
}
