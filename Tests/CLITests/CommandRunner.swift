// Runs the built `lstm` binary as a subprocess and captures its exit status and output.
import Foundation
import LSTMTestSupport

/// The outcome of one `lstm` invocation.
struct CommandResult: CustomStringConvertible {
    let status: Int32
    let standardOutput: String
    let standardError: String

    var description: String { "exit \(status)\nstdout:\n\(standardOutput)\nstderr:\n\(standardError)" }
}

enum LSTMBinary {
    /// The `lstm` executable next to the test bundle (the products folder of whatever
    /// scratch path was used), else `$LSTM_BINARY`, else `.build/debug/lstm` under the package.
    static func locate() throws -> URL {
        let fileManager = FileManager.default
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["LSTM_BINARY"] {
            candidates.append(URL(fileURLWithPath: path))
        }
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("lstm"))
        }
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("lstm"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("lstm"))
        let arguments = CommandLine.arguments.first.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
        if let arguments { candidates.append(arguments.appendingPathComponent("lstm")) }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(package.appendingPathComponent(".build/debug/lstm"))
        guard let found = candidates.first(where: { fileManager.isExecutableFile(atPath: $0.path) }) else {
            throw TestFailure("the lstm binary was not found (looked at \(candidates.map(\.path))); build it with `swift build` or set LSTM_BINARY")
        }
        return found
    }

    /// Runs `lstm` with `arguments` in `folder`, with extra environment variables, and waits.
    static func run(_ arguments: [String], in folder: URL? = nil, environment extra: [String: String] = [:]) throws -> CommandResult {
        let process = Process()
        process.executableURL = try locate()
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        // Files, not pipes: a pipe fills up and blocks the child when nobody reads it.
        let scratch = try TemporaryFolder()
        let outputFile = scratch.url.appendingPathComponent("stdout")
        let errorFile = scratch.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputFile)
        let error = try FileHandle(forWritingTo: errorFile)
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try output.close()
        try error.close()
        return CommandResult(
            status: process.terminationStatus,
            standardOutput: String(decoding: try Data(contentsOf: outputFile), as: UTF8.self),
            standardError: String(decoding: try Data(contentsOf: errorFile), as: UTF8.self))
    }
}
