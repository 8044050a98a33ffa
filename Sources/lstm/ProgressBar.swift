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
    private var done = 0

    /// A bar for `total` items named `unit` ("sequences", "workloads"); 0 for a count whose
    /// total is not known in advance (then it shows the count and the elapsed time only).
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
        update(done, detail: nil)
    }

    /// Reports `done` items finished with what is running now (`detail`, appended to the bar).
    func update(_ done: Int, detail: String?) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        self.done = done
        let now = Date()
        let interval: TimeInterval = onTerminal ? 0.1 : 5
        guard (total > 0 && done >= total) || detail != nil || now.timeIntervalSince(lastDrawn) >= interval else { return }
        if !onTerminal && now.timeIntervalSince(lastDrawn) < interval && !(total > 0 && done >= total) { return }
        lastDrawn = now
        var line = Self.line(done: done, total: total, unit: unit, elapsed: now.timeIntervalSince(start))
        if let detail { line += "  " + detail }
        if onTerminal { line = String(line.prefix(160)) }
        FileHandle.standardError.write(Data((onTerminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
        drewSomething = true
    }

    /// Describes what runs now without changing the count (`bench` and `tune` stages).
    func note(_ detail: String) {
        lock.lock()
        let current = done
        lock.unlock()
        update(current, detail: detail)
    }

    /// Erases the bar on a terminal so a result line can be printed; the next update redraws it.
    func clear() {
        guard enabled, onTerminal else { return }
        lock.lock()
        defer { lock.unlock() }
        if drewSomething { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drewSomething = false
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
    /// With an unknown total (0): `3 candidates  elapsed 0:12`.
    static func line(done: Int, total: Int, unit: String, elapsed: TimeInterval) -> String {
        guard total > 0 else { return "\(done) \(unit)  elapsed \(clock(elapsed))" }
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
