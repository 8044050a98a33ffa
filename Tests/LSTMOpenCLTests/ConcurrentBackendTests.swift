// Two backends on the same device, driven from two threads at once, give bitwise what each
// gives alone. On PoCL the driver is thread-safe; on Oclgrind (scripts/oclgrind-check.sh)
// it is not, and without OpenCLKit's driver lock (DriverSerialization.swift) both passes
// came back with NaN in places, the per-step GPU kernels and the CPU family alike.
import Foundation
import LSTMCore
import LSTMOpenCL
import OpenCLKit
import Testing

@Suite("Backends on several threads")
struct ConcurrentBackendTests {
    /// Runs `passes` forward passes of each problem on its own backend, one thread per backend, all at once.
    static func runConcurrently(_ jobs: [(OpenCLBackend, ForwardProblem)], passes: Int) -> [[Result<ForwardResult, Error>]] {
        final class Box: @unchecked Sendable {
            // @unchecked: each thread writes only its own slot; read after group.wait().
            var results: [[Result<ForwardResult, Error>]]
            init(_ count: Int) { results = Array(repeating: [], count: count) }
        }
        let box = Box(jobs.count)
        let group = DispatchGroup()
        for (index, job) in jobs.enumerated() {
            nonisolated(unsafe) let job = job
            group.enter()
            let thread = Thread {
                for _ in 0..<passes { box.results[index].append(Result { try job.0.run(job.1) }) }
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        return box.results
    }

    @Test("two backends on two threads at once match their serial results bitwise, each family")
    func twoThreads() throws {
        let device = try Device.first()
        let cases = [
            ReferenceCase(LSTMConfiguration(inputSize: 5, hiddenSize: 24, projectionSize: 5, bidirectional: true),
                          steps: 4, batch: 3, lengths: true, states: true),
            ReferenceCase(LSTMConfiguration(inputSize: 7, hiddenSize: 16, layerCount: 2), steps: 3, batch: 2, lengths: true, states: true),
        ]
        for kernels in [KernelSelection.gpu, .cpu] {
            var jobs: [(OpenCLBackend, ForwardProblem)] = []
            var serial: [[UInt32]] = []
            for (index, testCase) in cases.enumerated() {
                let (model, problem) = try testCase.make(seed: 1200 + UInt64(index))
                let backend = try OpenCLBackend(
                    model: model, device: device,
                    options: OpenCLBackendOptions(kernels: kernels, gpuTuning: GPUKernelTuning(persistent: false)))
                backend.poisonsWorkspace = true
                serial.append(GPUFamilyTests.bits(try backend.run(problem)))
                jobs.append((backend, problem))
            }
            let concurrent = Self.runConcurrently(jobs, passes: 2)
            for (index, passes) in concurrent.enumerated() {
                for pass in passes {
                    let bits = try GPUFamilyTests.bits(pass.get())
                    #expect(bits == serial[index], "\(kernels) \(cases[index]): a concurrent pass differs from the serial one")
                }
            }
        }
    }
}
