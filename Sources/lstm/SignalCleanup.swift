// Removing the temporary result files when the process is interrupted: SIGINT, SIGTERM and
// SIGHUP are caught on a dispatch queue (not in a signal handler, so taking a lock and
// unlinking are safe), the registered temporaries are removed, and the signal is raised
// again with its default action so the parent sees the process die of it (exit status
// 128 + the signal's number if it cannot be raised).
import Dispatch
import Foundation
import LSTMRuntime

enum SignalCleanup {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// Installs the handlers once; later calls do nothing.
    static func install() {
        guard sources.isEmpty else { return }
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global(qos: .userInitiated))
            source.setEventHandler {
                TemporaryFiles.removeAll()
                signal(signalNumber, SIG_DFL)
                // The signal may be blocked (a parent's mask is inherited): unblock it here.
                var set = sigset_t()
                sigemptyset(&set)
                sigaddset(&set, signalNumber)
                pthread_sigmask(SIG_UNBLOCK, &set, nil)
                kill(getpid(), signalNumber)
                _exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
