// Builds the LSTM program for a device and keeps compiled binaries on disk, keyed by
// device, driver version, source and options, so a second process skips the compiler.
import Foundation
import LSTMKernels
import OpenCLKit

/// Compiles the runtime's kernels, reusing binaries cached on disk when possible.
public enum ProgramCache {
    /// Kernel files concatenated, in this order, into the one program the backend builds.
    public static let kernelFiles = ["common.cl", "input_projection.cl", "lstm_step.cl", "lstm_projection.cl"]

    /// Environment variable naming the cache folder; `off` disables the disk cache.
    public static let directoryVariable = "LSTM_CACHE_DIR"

    /// The full program source.
    public static func combinedSource() throws -> String {
        try kernelFiles.map { file in
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

    /// Builds `source` with `options` for the context's device, from the disk cache when a
    /// binary for the same device, driver, source and options exists.
    public static func program(context: Context, source: String, options: String) throws -> Program {
        let device = context.device
        let key = StableHash.hex([device.name, device.platform.name, device.driverVersion, device.version, source, options])
        let file = directory?.appendingPathComponent("programs").appendingPathComponent("\(key).bin")
        if let file, let data = try? Data(contentsOf: file), !data.isEmpty,
           let program = try? Program(context: context, binary: [UInt8](data), options: options) {
            return program
        }
        let program = try Program(context: context, source: source, options: options)
        if let file, let binary = try? program.binary(), !binary.isEmpty {
            store(Data(binary), at: file)
        }
        return program
    }

    /// Best-effort atomic write: a cache that cannot be written only costs a rebuild.
    private static func store(_ data: Data, at file: URL) {
        let folder = file.deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString)")
        do {
            try data.write(to: temporary)
            _ = try FileManager.default.replaceItemAt(file, withItemAt: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
        }
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
