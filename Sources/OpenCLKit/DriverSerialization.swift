// OpenCL requires every API call but clSetKernelArg to be thread-safe, and PoCL is. Oclgrind
// (the GPU simulator the project checks its kernels on) is not: its runtime keeps shared
// state across contexts (jrprice/Oclgrind#28, "OpenCL runtime implementation is not
// thread-safe", open since 2013; #202: clCreateBuffer corrupts the heap). Seen here: two
// backends running forward passes on two threads at once (Swift Testing runs tests in
// parallel) both got NaN in places, the plain per-step kernels included, while each alone,
// or both one after the other, matched the CPU reference bitwise. So every call into a
// platform that is not thread-safe goes through one process-wide lock; calls into other
// platforms (PoCL, NVIDIA) take no lock, and several devices still run side by side.
import Foundation

/// The lock that serialises calls into OpenCL platforms that are not thread-safe.
enum DriverSerialization {
    /// Recursive: a call made while holding it (a release inside a locked region) must not deadlock.
    static let lock = NSRecursiveLock()

    /// Platform names whose runtime is known not to be thread-safe.
    static let unsafePlatformMarkers = ["Oclgrind"]

    /// Whether calls into `platform` must be serialised.
    static func needsLock(_ platform: Platform) -> Bool {
        unsafePlatformMarkers.contains { platform.name.localizedCaseInsensitiveContains($0) }
    }

    /// Runs `body` holding the lock when `serialised`, else directly.
    @inline(__always)
    static func run<T>(_ serialised: Bool, _ body: () throws -> T) rethrows -> T {
        guard serialised else { return try body() }
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

extension Platform {
    /// Whether this platform's runtime may be called from several threads at once. `false`
    /// for Oclgrind: OpenCLKit then serialises every call into it, process-wide.
    public var isThreadSafe: Bool { !DriverSerialization.needsLock(self) }
}
