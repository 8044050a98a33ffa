// `--progress auto|always|never`: a bar on stderr with items done out of the total, the rate,
// the time elapsed and the time remaining. With auto it is drawn only when stderr is a
// terminal; with always and stderr not a terminal it prints a plain line every few seconds.
import ArgumentParser
import Foundation

/// When to show progress.
enum ProgressMode: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

/// A progress bar redrawn in place on stderr; thread-safe.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let unit: String
    private let enabled: Bool
    private let onTerminal: Bool
    private let start = Date()
    private let lock = NSLock()
    private var lastDrawn = Date.distantPast
    private var drewSomething = false

    /// A bar for `total` items named `unit` ("sequences", "workloads").
    init(total: Int, unit: String, mode: ProgressMode) {
        self.total = total
        self.unit = unit
        onTerminal = isatty(2) == 1
        switch mode {
        case .auto: enabled = onTerminal
        case .always: enabled = true
        case .never: enabled = false
        }
    }

    /// Reports `done` items finished; draws at most ten times a second on a terminal (every
    /// five seconds otherwise), and always when everything is done.
    func update(_ done: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        let interval: TimeInterval = onTerminal ? 0.1 : 5
        guard done >= total || now.timeIntervalSince(lastDrawn) >= interval else { return }
        lastDrawn = now
        let line = Self.line(done: done, total: total, unit: unit, elapsed: now.timeIntervalSince(start))
        FileHandle.standardError.write(Data((onTerminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
        drewSomething = true
    }

    /// Ends the bar: on a terminal, moves past it so later lines start on a fresh one.
    func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if onTerminal && drewSomething { FileHandle.standardError.write(Data("\n".utf8)) }
        drewSomething = false
    }

    /// `[#########...........]  1200/20000 sequences  512.3/s  elapsed 0:02  remaining 0:36`.
    static func line(done: Int, total: Int, unit: String, elapsed: TimeInterval) -> String {
        let width = 24
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : nil
        let rateText = rate >= 100 ? String(format: "%.0f", rate) : String(format: "%.1f", rate)
        return "[\(bar)] \(done)/\(total) \(unit)  \(rateText)/s  elapsed \(clock(elapsed))  remaining \(remaining.map(clock) ?? "?")"
    }

    /// `m:ss`, or `h:mm:ss` from an hour.
    static func clock(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds.rounded())
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
    }
}
