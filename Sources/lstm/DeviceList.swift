// `--device` given once, several times, or as `all`: the engines a batched run splits over.
import ArgumentParser
import LSTMRuntime

/// One `--device` value: a single selection, or every OpenCL device of the host.
enum DeviceChoice: Equatable {
    case one(DeviceSelection)
    case all

    /// Parses `all`, or anything ``DeviceSelection/init(parsing:)`` reads.
    @Sendable static func parse(_ text: String) throws -> DeviceChoice {
        if text.lowercased() == "all" { return .all }
        return .one(try DeviceSelection(parsing: text))
    }

    /// The selections the choices name, in order: `all` expands to every OpenCL device
    /// (or to `auto` when there is none, which falls back to the CPU reference with a
    /// notice). No choices means `auto`.
    static func selections(_ choices: [DeviceChoice]) -> [DeviceSelection] {
        guard !choices.isEmpty else { return [.auto] }
        return choices.flatMap { choice -> [DeviceSelection] in
            switch choice {
            case .one(let selection): return [selection]
            case .all:
                let count = (try? Device.all().count) ?? 0
                return count == 0 ? [.auto] : (0..<count).map { .opencl(index: $0) }
            }
        }
    }
}

/// `--shard K/N`: this process runs sequences ⌊K·B/N⌋ ..< ⌊(K+1)·B/N⌋ of the batch.
struct Shard: Equatable, CustomStringConvertible {
    let index: Int
    let count: Int

    @Sendable static func parse(_ text: String) throws -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (0..<count).contains(index) else {
            throw ValidationError("invalid shard '\(text)': give K/N with 0 <= K < N, e.g. 0/4 (in a Slurm array job: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)")
        }
        return Shard(index: index, count: count)
    }

    /// The sequences of a batch of `batch` this shard runs.
    func range(batch: Int) -> Range<Int> {
        (index * batch / count)..<((index + 1) * batch / count)
    }

    var description: String { "\(index)/\(count)" }
}
