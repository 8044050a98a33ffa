// Writing a large float32 .npy file piece by piece, in any order, without holding it in
// memory: a hidden temporary beside the target gets the header and is sized to the whole
// array (unwritten elements read as zero), pieces are written at their offsets with pwrite,
// and `commit` flushes and renames it over the target. Until then the target is untouched.

import Foundation
import LSTMCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A `.npy` file (`<f4`, C order) written in pieces at element offsets, then renamed into place.
///
/// Thread safety: ``write(_:atElement:)`` may be called from several threads at once for
/// disjoint ranges. ``commit()`` and ``discard()`` must not race with writes.
public final class NumpyStreamWriter: @unchecked Sendable {
    /// The array's shape.
    public let shape: [Int]
    /// Where the file ends up.
    public let url: URL
    /// Number of elements.
    public let count: Int
    /// The hidden temporary file's path while it exists.
    public let temporaryPath: String
    private var descriptor: Int32
    private let dataOffset: Int
    private var finished = false

    /// Creates the temporary file for an array of `shape` beside `url`.
    ///
    /// - Throws: ``FormatError/folderMissing(path:folder:)`` or ``FormatError/writeFailed(path:reason:)``.
    public init(shape: [Int], to url: URL) throws {
        guard let count = Tensor.elementCount(of: shape) else {
            throw FormatError.unwritableTensor(name: url.lastPathComponent, reason: "the element count of \(shape) overflows")
        }
        self.shape = shape
        self.url = url
        self.count = count
        let target = url.standardizedFileURL
        let folder = target.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw FormatError.folderMissing(path: url.path, folder: folder.path)
        }
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        temporaryPath = folder.appendingPathComponent(".\(target.lastPathComponent).tmp-\(suffix)").path
        TemporaryFiles.register(temporaryPath)
        descriptor = open(temporaryPath, O_RDWR | O_CREAT | O_EXCL, 0o666)
        guard descriptor >= 0 else {
            let reason = Self.lastSystemError()
            TemporaryFiles.unregister(temporaryPath)
            throw FormatError.writeFailed(path: url.path, reason: "cannot create a temporary file in \(folder.path): \(reason)")
        }
        let header = NumpyFile.encodeHeader(shape: shape)
        dataOffset = header.count
        do {
            try header.withUnsafeBytes { try writeAll($0, at: 0) }
            guard ftruncate(descriptor, off_t(dataOffset + count * 4)) == 0 else {
                throw FormatError.writeFailed(path: url.path, reason: "sizing the temporary file: \(Self.lastSystemError())")
            }
        } catch {
            discard()
            throw error
        }
    }

    deinit { discard() }

    /// Writes `values` as elements `element ..< element + values.count` of the array.
    ///
    /// - Throws: ``FormatError/writeFailed(path:reason:)`` (disk full, I/O error) or
    ///   ``FormatError/unwritableTensor(name:reason:)`` for a range outside the array.
    public func write(_ values: UnsafeBufferPointer<Float>, atElement element: Int) throws {
        guard element >= 0, element + values.count <= count else {
            throw FormatError.unwritableTensor(
                name: url.lastPathComponent, reason: "elements \(element)..<\(element + values.count) lie outside \(shape)")
        }
        guard !values.isEmpty else { return }
        #if _endian(big)
        let swapped = values.map { Float(bitPattern: $0.bitPattern.littleEndian) }
        try swapped.withUnsafeBytes { try writeAll($0, at: dataOffset + element * 4) }
        #else
        try writeAll(UnsafeRawBufferPointer(values), at: dataOffset + element * 4)
        #endif
    }

    /// Writes `values` at `element`; see ``write(_:atElement:)-(UnsafeBufferPointer<Float>,_)``.
    public func write(_ values: ArraySlice<Float>, atElement element: Int) throws {
        try values.withUnsafeBufferPointer { try write($0, atElement: element) }
    }

    /// Flushes the file to disk and renames it over the target.
    ///
    /// - Throws: ``FormatError/writeFailed(path:reason:)``; the temporary is removed then.
    public func commit() throws {
        guard !finished else {
            throw FormatError.writeFailed(path: url.path, reason: "the file was already committed or discarded")
        }
        do {
            guard fsync(descriptor) == 0 else {
                throw FormatError.writeFailed(path: url.path, reason: "flushing to disk: \(Self.lastSystemError())")
            }
            let closed = close(descriptor)
            descriptor = -1
            guard closed == 0 else {
                throw FormatError.writeFailed(path: url.path, reason: "closing: \(Self.lastSystemError())")
            }
            guard rename(temporaryPath, url.standardizedFileURL.path) == 0 else {
                throw FormatError.writeFailed(
                    path: url.path, reason: "renaming the temporary file into place: \(Self.lastSystemError())")
            }
        } catch {
            discard()
            throw error
        }
        finished = true
        TemporaryFiles.unregister(temporaryPath)
    }

    /// Removes the temporary file (if still there) and leaves the target untouched.
    public func discard() {
        guard !finished else { return }
        finished = true
        if descriptor >= 0 { _ = close(descriptor) }
        descriptor = -1
        _ = unlink(temporaryPath)
        TemporaryFiles.unregister(temporaryPath)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let written = pwrite(descriptor, bytes.baseAddress.map { $0 + done }, bytes.count - done, off_t(offset + done))
            if written < 0 {
                if errno == EINTR { continue }
                throw FormatError.writeFailed(path: url.path, reason: Self.lastSystemError())
            }
            if written == 0 {
                throw FormatError.writeFailed(path: url.path, reason: "no progress writing (disk full?)")
            }
            done += written
        }
    }

    private static func lastSystemError() -> String {
        String(cString: strerror(errno))
    }
}
