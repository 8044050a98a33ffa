// Builds the LSTM program for a device and keeps compiled binaries on disk, keyed by
// device, driver version, source and options, so a second process skips the compiler.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LSTMKernels
import OpenCLKit

/// Compiles the runtime's kernels, reusing binaries cached on disk when possible.
public enum ProgramCache {
    /// Kernel files concatenated, in this order, into the one program the backend builds.
    public static let kernelFiles = sharedKernelFiles + LSTMCellKernels.kernelFiles + GRUCellKernels.kernelFiles

    /// The files every cell's program starts with.
    static let sharedKernelFiles = ["common.cl", "input_projection.cl"]

    /// Environment variable naming the cache folder; `off` disables the disk cache.
    public static let directoryVariable = "LSTM_CACHE_DIR"

    /// Where a program came from.
    public enum Origin: Equatable, Sendable {
        /// Loaded from a cached binary: no compiler run.
        case diskCache
        /// Compiled from source (no cache entry, caching off, or an unusable entry).
        case source
    }

    /// The full program source.
    public static func combinedSource(files: [String] = kernelFiles) throws -> String {
        try files.map { file in
            guard let source = KernelSources.source(named: file) else {
                throw OpenCLError(call: "loading kernel source", code: -44, detail: "kernel file '\(file)' not found (embedded or in $\(KernelSources.overrideVariable))")
            }
            return source
        }.joined(separator: "\n")
    }

    /// The folder for cached binaries, or `nil` when caching is off.
    public static var directory: URL? {
        let environment = ProcessInfo.processInfo.environment
        if let custom = environment[directoryVariable] {
            return custom == "off" || custom.isEmpty ? nil : URL(fileURLWithPath: custom)
        }
        let base = environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("lstm-runtime")
    }

    /// The cache file for a program: `<directory>/programs/<key>.bin`, the key hashing the
    /// device, platform, driver and device versions, the source and the options.
    public static func cacheFile(in directory: URL, device: Device, source: String, options: String) -> URL {
        let key = StableHash.hex([device.name, device.platform.name, device.driverVersion, device.version, source, options])
        return directory.appendingPathComponent("programs").appendingPathComponent("\(key).bin")
    }

    /// Builds `source` with `options` for the context's device, from the disk cache when a
    /// binary for the same device, driver, source and options exists.
    ///
    /// - Parameter directory: the cache folder; by default ``directory`` (`nil`: no caching).
    public static func program(context: Context, source: String, options: String, directory: URL? = ProgramCache.directory) throws -> Program {
        try programWithOrigin(context: context, source: source, options: options, directory: directory).program
    }

    /// ``program(context:source:options:directory:)``, also saying whether the compiler ran.
    /// A cache entry that is empty, truncated, fails its checksum or is rejected by the
    /// driver is ignored and replaced by a fresh build.
    public static func programWithOrigin(
        context: Context, source: String, options: String, directory: URL? = ProgramCache.directory
    ) throws -> (program: Program, origin: Origin) {
        let file = directory.map { cacheFile(in: $0, device: context.device, source: source, options: options) }
        if let file, let data = try? Data(contentsOf: file), let binary = CacheEntry.payload(of: data),
           let program = try? Program(context: context, binary: binary, options: options) {
            return (program, .diskCache)
        }
        let program = try Program(context: context, source: source, options: options)
        if let file, let binary = try? program.binary(), !binary.isEmpty {
            store(CacheEntry.encode(binary), at: file)
        }
        return (program, .source)
    }

    /// Best-effort atomic write (temporary file, then rename over the target, so a reader in
    /// another process never sees half a file): a cache that cannot be written only costs a
    /// rebuild. `FileManager.replaceItemAt` is not used: on Linux it fails when the target
    /// does not exist yet, which left the cache empty.
    private static func store(_ data: Data, at file: URL) {
        let folder = file.deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString)")
        do {
            try data.write(to: temporary)
            guard rename(temporary.path, file.path) == 0 else {
                try? FileManager.default.removeItem(at: temporary)
                return
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
        }
    }
}

/// The cache file format: a magic line, the payload length and a checksum, then the driver's
/// binary. Drivers are not trusted to reject a damaged binary (a debug PoCL asserts on some),
/// so a file that fails these checks is never handed to them.
enum CacheEntry {
    static let magic = Array("LSTM-PROGRAM-CACHE 1\n".utf8)

    static func encode(_ binary: [UInt8]) -> Data {
        var data = Data(magic)
        withUnsafeBytes(of: UInt64(binary.count).littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: checksum(binary).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: binary)
        return data
    }

    /// The binary inside a well-formed entry, or `nil` for anything else.
    static func payload(of data: Data) -> [UInt8]? {
        let bytes = [UInt8](data)
        let header = magic.count + 16
        guard bytes.count > header, Array(bytes[0..<magic.count]) == magic else { return nil }
        let length = readUInt64(bytes, at: magic.count)
        let sum = readUInt64(bytes, at: magic.count + 8)
        guard length == UInt64(bytes.count - header) else { return nil }
        let binary = Array(bytes[header...])
        return checksum(binary) == sum ? binary : nil
    }

    private static func readUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { value, index in value | UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
    }

    /// FNV-1a, 64 bits.
    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}

/// FNV-1a over strings: a stable (process-independent) key, unlike Swift's `hashValue`.
enum StableHash {
    static func hex(_ parts: [String]) -> String {
        var first: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x8422_2325_cbf2_9ce4
        for part in parts {
            for byte in part.utf8 {
                first = (first ^ UInt64(byte)) &* 0x100_0000_01b3
                second = (second ^ UInt64(byte)) &* 0x100_0000_01b3
            }
            first = (first ^ 0xff) &* 0x100_0000_01b3
            second = (second ^ 0xfe) &* 0x100_0000_01b3
        }
        return String(first, radix: 16) + String(second, radix: 16)
    }
}
