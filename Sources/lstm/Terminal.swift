// Writing to stdout and stderr: results on stdout, notices, progress and errors on stderr,
// progress only when stderr is a terminal.
import Foundation
import LSTMRuntime

enum Terminal {
    /// Whether stderr is a terminal, so that progress lines may be drawn and erased.
    static let showsProgress = isatty(2) == 1

    /// One line on stdout.
    static func print(_ line: String = "") {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// `error: <message>` on stderr.
    static func error(_ message: String) {
        standardError("error: " + message)
    }

    /// `notice: <message>` on stderr.
    static func notice(_ message: String) {
        standardError("notice: " + message)
    }

    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Redraws the progress line on stderr (terminal only); `nil` erases it.
    static func progress(_ line: String?) {
        guard showsProgress else { return }
        let text = "\r\u{1B}[K" + (line.map { String($0.prefix(120)) } ?? "")
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// The user-facing text of an error: our typed errors describe themselves; Foundation's
    /// errors give their localized description instead of a raw domain and code.
    static func message(for error: Error) -> String {
        if type(of: error) is NSError.Type || error is CocoaError {
            return error.localizedDescription
        }
        return String(describing: error)
    }
}
