// Process hygiene: 1,000 forward passes in a fresh process must not grow resident memory
// or the number of live OpenCL objects. Runs the LSTMSoak driver as a subprocess so the
// measurement is not disturbed by other tests sharing this process.
import Foundation
import Testing

@Suite("Process hygiene")
struct HygieneTests {
    @Test("1,000 forward passes leak neither memory nor OpenCL objects")
    func soak() throws {
        let driver = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("LSTMSoak")
        try #require(FileManager.default.isExecutableFile(atPath: driver.path), "build the LSTMSoak product first (swift build)")
        let process = Process()
        process.executableURL = driver
        process.arguments = ["1000"]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0, "report: \(report) \(message)")
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Int])
        #expect(fields["passes"] == 1000)
        #expect(fields["objects_after"] == fields["objects_before"])
        #expect((fields["rss_growth"] ?? .max) < 4 << 20)
    }
}
