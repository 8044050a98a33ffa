// The README's Slurm array job, run for real on a one-node cluster that scripts/slurm-test.sh
// starts and stops (Debian's slurmd, slurmctld, slurm-client and munge; root). CI installs
// those packages (.ci/run), so there it always runs.
import Foundation
import LSTMTestSupport
import Testing

@Suite("Slurm array job of shards")
struct SlurmShardTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/slurm-test.sh")

    static var slurmAvailable: Bool {
        getuid() == 0 && ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/sbin/munged"]
            .allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test("the README's array job on a one-node cluster: joined slices are bitwise one run",
          .enabled(if: slurmAvailable, "needs root and apt-get install slurmd slurmctld slurm-client munge"),
          .timeLimit(.minutes(3)))
    func arrayJobJoinsToOneRun() throws {
        try requireOpenCLDevice()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["150", "bash", Self.script.path, try LSTMBinary.locate().path]
        let log = try TemporaryFolder()
        let logFile = log.file("slurm-test.log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let output = String(decoding: try Data(contentsOf: logFile), as: UTF8.self)
        #expect(process.terminationStatus == 0 && output.contains("slurm-test: PASS"), "\(output)")
    }
}
