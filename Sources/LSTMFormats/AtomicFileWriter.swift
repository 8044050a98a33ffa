// Writing a file so that readers see either the old contents or the complete new ones, never a
// half-written file: write a hidden temporary beside the target, flush it, then rename over.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Atomic whole-file writes.
public enum AtomicFile {
    /// Replaces the file at `url` with `data` atomically.
    ///
    /// The bytes go to a temporary file `.NAME.tmp-<random>` in the same folder, which is
    /// flushed to disk and then renamed over `url` (a single atomic step on POSIX file
    /// systems). On any failure the temporary file is removed and the target is untouched.
    /// The new file gets default permissions, and a symbolic link at `url` is replaced rather
    /// than followed, as with any rename-based write.
    ///
    /// - Throws: ``FormatError/folderMissing(path:folder:)`` when the folder does not exist,
    ///   ``FormatError/writeFailed(path:reason:)`` for any other failure.
    public static func write(_ data: Data, to url: URL) throws {
        let target = url.standardizedFileURL
        let folder = target.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw FormatError.folderMissing(path: url.path, folder: folder.path)
        }
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).tmp-\(suffix)")

        TemporaryFiles.register(temporary.path)
        defer { TemporaryFiles.unregister(temporary.path) }
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o666)
        guard descriptor >= 0 else {
            throw FormatError.writeFailed(path: url.path, reason: "cannot create a temporary file in \(folder.path): \(lastSystemError())")
        }
        do {
            try writeAll(data, to: descriptor, path: url.path)
            guard fsync(descriptor) == 0 else {
                throw FormatError.writeFailed(path: url.path, reason: "flushing to disk: \(lastSystemError())")
            }
            guard close(descriptor) == 0 else {
                throw FormatError.writeFailed(path: url.path, reason: "closing: \(lastSystemError())")
            }
        } catch {
            _ = close(descriptor)
            _ = unlink(temporary.path)
            throw error
        }
        guard rename(temporary.path, target.path) == 0 else {
            let reason = lastSystemError()
            _ = unlink(temporary.path)
            throw FormatError.writeFailed(path: url.path, reason: "renaming the temporary file into place: \(reason)")
        }
    }

    private static func writeAll(_ data: Data, to descriptor: Int32, path: String) throws {
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < bytes.count {
                let base = bytes.baseAddress.map { $0 + offset }
                let written = systemWrite(descriptor, base, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw FormatError.writeFailed(path: path, reason: lastSystemError())
                }
                offset += written
            }
        }
    }

    private static func lastSystemError() -> String {
        String(cString: strerror(errno))
    }
}

/// `write(2)`, named apart from ``AtomicFile/write(_:to:)`` so the call inside it is unambiguous.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
