// The temporary files this process has created and not yet renamed into place, so that a
// signal handler (or any other last-resort cleanup) can remove them before the process dies.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A process-wide registry of live temporary files.
///
/// ``AtomicFile`` and ``NumpyStreamWriter`` register their temporaries here while they exist.
/// `lstm` removes whatever is registered when SIGINT or SIGTERM arrives.
public enum TemporaryFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths = Set<String>()

    /// Records `path` as a temporary that must not outlive the process.
    public static func register(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        paths.insert(path)
    }

    /// Forgets `path` (it was renamed into place or removed).
    public static func unregister(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        paths.remove(path)
    }

    /// The paths registered now.
    public static var registered: Set<String> {
        lock.lock()
        defer { lock.unlock() }
        return paths
    }

    /// Unlinks every registered temporary and forgets them all. Safe to call from any thread.
    public static func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        for path in paths { _ = unlink(path) }
        paths.removeAll()
    }
}
