// A float .npy file memory-mapped rather than read: the header is checked up front, and
// element ranges are decoded on demand, so an input larger than memory can be read in batch
// slices. Pages already consumed can be handed back to the kernel (`release`), which keeps
// the resident set bounded however large the file is.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only, memory-mapped float `.npy` array (`f2`, `f4` or `f8`, either byte order).
///
/// Thread safety: reads of disjoint or overlapping ranges from several threads are safe (the
/// mapping is read-only); ``release(elements:)`` only drops cached pages, which a later read
/// faults back in from the file.
public final class MappedNumpyArray: @unchecked Sendable {
    /// The array's shape as stored in the header.
    public let shape: [Int]
    /// Whether the data is in Fortran (column-major) order. Element offsets passed to
    /// ``floats(elements:)`` index the stored order.
    public let isFortranOrder: Bool
    /// The file's path, for messages.
    public let path: String
    /// Number of elements.
    public let count: Int
    private let base: UnsafeMutableRawPointer?
    private let length: Int
    private let dataOffset: Int
    private let storage: FloatStorage
    private let order: ByteOrder

    /// Maps the file and checks its header, dtype and size.
    ///
    /// - Throws: ``FormatError`` as ``NumpyFile/readFloats(contentsOf:)`` does for the same file.
    public init(contentsOf url: URL) throws {
        path = url.path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw FormatError.cannotRead(path: url.path, reason: "no such file")
        }
        guard !isFolder.boolValue else {
            throw FormatError.cannotRead(path: url.path, reason: "it is a folder, not a file")
        }
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else {
            throw FormatError.cannotRead(path: url.path, reason: String(cString: strerror(errno)))
        }
        defer { _ = close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw FormatError.cannotRead(path: url.path, reason: String(cString: strerror(errno)))
        }
        length = Int(status.st_size)
        if length == 0 {
            base = nil
        } else {
            let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0)
            guard let mapped, mapped != MAP_FAILED else {
                throw FormatError.cannotRead(path: url.path, reason: "cannot memory-map it: \(String(cString: strerror(errno)))")
            }
            base = mapped
        }
        do {
            let bytes = UnsafeRawBufferPointer(start: base, count: length)
            let layout = try NumpyArrayLayout(bytes, source: url.path)
            guard case .float(let storage, let order)? = NumpyDataType(descr: layout.header.descr) else {
                throw FormatError.unsupportedDataType(
                    path: url.path, tensor: nil, dtype: layout.header.descr, accepted: NumpyDataType.floatDescriptions)
            }
            shape = layout.header.shape
            isFortranOrder = layout.header.fortranOrder
            count = layout.count
            dataOffset = layout.dataOffset
            self.storage = storage
            self.order = order
        } catch {
            if let base { munmap(base, length) }
            throw error
        }
    }

    deinit {
        if let base { munmap(base, length) }
    }

    /// The elements `range` (in stored order) as `Float`.
    ///
    /// The range is clamped to the array; an empty range gives an empty array.
    public func floats(elements range: Range<Int>) -> [Float] {
        let clamped = range.clamped(to: 0..<count)
        guard !clamped.isEmpty else { return [] }
        let bytes = UnsafeRawBufferPointer(start: base, count: length)
        return ElementDecoding.floats(
            bytes, offset: dataOffset + clamped.lowerBound * storage.size, count: clamped.count,
            storage: storage, order: order)
    }

    /// Appends the elements `range` (in stored order) to `values`.
    public func append(elements range: Range<Int>, to values: inout [Float]) {
        let clamped = range.clamped(to: 0..<count)
        guard !clamped.isEmpty else { return }
        if storage == .float32, order == ByteOrder.host, let base {
            let source = UnsafeRawPointer(base + dataOffset + clamped.lowerBound * 4)
            let typed = UnsafeBufferPointer(start: source.assumingMemoryBound(to: Float.self), count: clamped.count)
            values.append(contentsOf: typed)
        } else {
            values.append(contentsOf: floats(elements: clamped))
        }
    }

    /// Drops the cached pages that lie wholly inside the elements `range`, so that data
    /// already consumed no longer counts towards the resident set. Reading them again later
    /// faults them back in from the file.
    public func release(elements range: Range<Int>) {
        let clamped = range.clamped(to: 0..<count)
        guard let base, !clamped.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = dataOffset + clamped.lowerBound * storage.size
        let end = dataOffset + clamped.upperBound * storage.size
        let first = (start + page - 1) / page * page
        let last = end / page * page
        guard last > first else { return }
        _ = madvise(base + first, last - first, MADV_DONTNEED)
    }
}
