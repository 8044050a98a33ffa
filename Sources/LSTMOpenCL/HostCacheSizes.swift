// The host CPU's per-core L1 data and L2 sizes and its last-level cache, for kernels that
// PoCL runs on that CPU: PoCL reports only the last-level cache
// (CL_DEVICE_GLOBAL_MEM_CACHE_SIZE), which OpenCLKit's Device does not read. The persistent
// GEMM sizes its panel bands to the L2 each core has to itself, the recurrent step's row
// groups grow to what the L1 holds, the input projection is fused where a step's rows fit
// the L2 and its weights the last level, and the recurrent product prefetches its panel
// slices where the weights it streams outgrow the L2s (KernelTuning).
import Foundation

enum HostCacheSizes {
    /// Bytes of the L1 data cache of CPU 0 as Linux describes it in sysfs, or `nil` where it
    /// does not (another OS, a container without sysfs).
    static let level1DataBytes: Int? = size(level: "1")

    /// Bytes of the L2 cache of CPU 0 as Linux describes it in sysfs, or `nil` where it does
    /// not.
    static let level2Bytes: Int? = size(level: "2")

    /// Bytes of the last-level cache of CPU 0 in sysfs (its L3, else its L2), or `nil` where
    /// sysfs describes neither. In a VM this is the whole socket's L3, shared with whatever
    /// else runs there.
    static let lastLevelBytes: Int? = size(level: "3") ?? level2Bytes

    /// The size of CPU 0's data or unified cache of `level`.
    private static func size(level wanted: String) -> Int? {
        for index in 0..<8 {
            let directory = "/sys/devices/system/cpu/cpu0/cache/index\(index)/"
            guard let level = read(directory + "level"), let type = read(directory + "type"),
                  let size = read(directory + "size") else { continue }
            guard level == wanted, type == "Unified" || type == "Data" else { continue }
            return bytes(size)
        }
        return nil
    }

    /// "2048K" or "1M" (sysfs's forms) in bytes.
    static func bytes(_ text: String) -> Int? {
        let scale: Int
        var digits = Substring(text)
        switch text.last {
        case "K": scale = 1 << 10
        case "M": scale = 1 << 20
        default: scale = 1
        }
        if scale > 1 { digits = digits.dropLast() }
        guard let value = Int(digits), value > 0 else { return nil }
        return value * scale
    }

    private static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
