// The `lstm` command: the root of the subcommands, and the one place that turns an error
// into a message on stderr and an exit status.
import ArgumentParser
import Foundation
import LSTMRuntime

@main
struct LSTMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lstm",
        abstract: "Run, stream, verify and benchmark LSTM and GRU models (torch.nn weights) on OpenCL devices.",
        discussion: "Devices: `auto` (first GPU, else first OpenCL device, else the CPU reference), `cpu` (the CPU reference), `opencl` (first OpenCL device) or `opencl:N` (see `lstm devices`).",
        subcommands: [
            DevicesCommand.self, RunCommand.self, JoinCommand.self, InspectCommand.self, VerifyCommand.self, BenchCommand.self,
            TuneCommand.self,
            DemoCommand.self, StreamCommand.self, OverheadCommand.self,
        ]
    )

    /// Parses the command line and runs the subcommand. Bad flags exit with ArgumentParser's
    /// usage status; any other error prints `error: <message>` on stderr and exits 1.
    static func main() {
        pinOpenCLWorkerThreads()
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            try command.run()
        } catch where isArgumentParserError(error) {
            exit(withError: error)
        } catch {
            Terminal.error(Terminal.message(for: error))
            Foundation.exit(EXIT_FAILURE)
        }
    }

    /// PoCL's CPU device runs one worker thread per core; pinned (`POCL_AFFINITY=1`) they start
    /// on separate cores at once, unpinned the first passes of a fresh process can run at one
    /// core's speed until the scheduler spreads them (measured: 7.2 ms instead of 3.5 ms at
    /// batch 1). Set before the first OpenCL call; a value the user set is left alone.
    private static func pinOpenCLWorkerThreads() {
        setenv("POCL_AFFINITY", "1", 0)
    }

    /// Errors ArgumentParser renders itself: exit codes, validation and usage errors, and the
    /// help request that `--help` on a subcommand turns into.
    private static func isArgumentParserError(_ error: Error) -> Bool {
        error is ExitCode || error is ValidationError || error is CleanExit
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
