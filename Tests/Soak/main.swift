// Soak test driver: runs many forward passes in one process and reports whether resident
// memory or live OpenCL objects grew. Run by LSTMOpenCLTests/HygieneTests; also usable
// by hand: `swift run LSTMSoak [passes]`. Exits 1 when something grew.
import Foundation
import LSTMRuntime
import OpenCLKit

func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("LSTMSoak: \(message)\n".utf8))
    exit(2)
}

let passes = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 1000
do {
    let configuration = LSTMConfiguration(inputSize: 12, hiddenSize: 20, projectionSize: 7, layerCount: 2, bidirectional: true, hasPeepholes: true)
    let model = try LSTMModel.random(configuration, seed: 5)
    var random = SeededGenerator(seed: 9)
    // Two shapes, so that workspaces are reallocated and released as well as reused.
    let inputs = [
        LSTMInput(sequence: random.tensor([6, 3, 12]), lengths: [6, 2, 5]),
        LSTMInput(sequence: random.tensor([4, 5, 12])),
    ]
    guard !(try Device.all()).isEmpty else { fail("no OpenCL device found (install pocl-opencl-icd)") }

    func cycle(_ count: Int) throws {
        let engine = try LSTMEngine(model: model, device: .opencl(index: nil))
        for pass in 0..<count { _ = try engine.forward(inputs[(pass / 10) % 2]) }
    }
    // Warm-up: program cache, driver pools and allocator reach their steady state.
    for _ in 0..<3 { try cycle(40) }
    let memoryBefore = residentBytes()
    let objectsBefore = LiveObjects.total
    try cycle(passes)
    for _ in 0..<20 { try cycle(5) }  // engines created and dropped
    let memoryAfter = residentBytes()
    let objectsAfter = LiveObjects.total
    let growth = memoryAfter - memoryBefore
    print("""
        {"passes": \(passes), "rss_before": \(memoryBefore), "rss_after": \(memoryAfter), \
        "rss_growth": \(growth), "objects_before": \(objectsBefore), "objects_after": \(objectsAfter)}
        """)
    // Allow 4 MiB of allocator noise; a leak of even one small buffer per pass exceeds it.
    exit(objectsAfter == objectsBefore && growth < 4 << 20 ? 0 : 1)
} catch {
    fail("\(error)")
}
