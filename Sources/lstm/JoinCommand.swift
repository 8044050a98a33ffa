// `lstm join`: concatenates the .npy slices written by `lstm run --shard K/N` along the
// batch axis (axis 1 of [T, B, ·] outputs and of h_n, c_n; axis 0 of batch-first outputs),
// streaming: the slices are memory-mapped and copied piece by piece into a temporary that is
// renamed into place at the end, so joining needs little memory whatever the sizes.
import ArgumentParser
import Foundation
import LSTMRuntime

struct JoinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Concatenate .npy slices (from `lstm run --shard`) along the batch axis.",
        discussion: """
            Give the slices in shard order. Axis 1 (the default) joins [T, B, ·] outputs and h_n, c_n \
            [D·L, B, ·]; use --axis 0 for outputs written with --batch-first. Every other dimension \
            must agree.
            """)

    @Option(help: "Where to write the joined array (.npy, float32).")
    var output: String
    @Option(help: "The axis to join along (default 1, the batch axis of time-major outputs and states).")
    var axis = 1
    @Argument(help: "The slices, in order.")
    var slices: [String]

    func validate() throws {
        guard !slices.isEmpty else { throw ValidationError("give at least one slice to join") }
        guard axis >= 0 else { throw ValidationError("--axis must be 0 or more") }
    }

    func run() throws {
        let parts = try slices.map { try MappedNumpyArray(contentsOf: URL(fileURLWithPath: $0)) }
        let first = parts[0].shape
        guard axis < first.count else {
            throw CommandError.cannotJoin(reason: "\(slices[0]) has shape \(first): no axis \(axis)")
        }
        for (path, part) in zip(slices, parts) {
            guard !part.isFortranOrder else {
                throw CommandError.cannotJoin(reason: "\(path) is in Fortran order; join C-order slices as `lstm run` writes them")
            }
            var expected = first
            expected[axis] = part.shape.count == first.count ? part.shape[axis] : -1
            guard part.shape == expected else {
                throw CommandError.cannotJoin(reason: "\(path) has shape \(part.shape) but \(slices[0]) has \(first); only axis \(axis) may differ")
            }
        }
        try RunInputs.checkDestinations([("--output", output)])
        let outer = first[..<axis].reduce(1, *)
        let inner = first[(axis + 1)...].reduce(1, *)
        let joinedCount = parts.reduce(0) { $0 + $1.shape[axis] }
        var shape = first
        shape[axis] = joinedCount

        SignalCleanup.install()
        let writer = try NumpyStreamWriter(shape: shape, to: URL(fileURLWithPath: output))
        do {
            let piece = 1 << 22  // elements per copy: 16 MiB of floats
            for index in 0..<outer {
                var offset = 0
                for part in parts {
                    let length = part.shape[axis] * inner
                    let source = index * length
                    let target = (index * joinedCount + offset) * inner
                    for start in stride(from: 0, to: length, by: piece) {
                        let end = min(start + piece, length)
                        try writer.write(part.floats(elements: (source + start)..<(source + end))[...], atElement: target + start)
                        part.release(elements: (source + start)..<(source + end))
                    }
                    offset += part.shape[axis]
                }
            }
            try writer.commit()
        } catch {
            writer.discard()
            throw error
        }
        Terminal.standardError("joined \(parts.count) slice\(parts.count == 1 ? "" : "s") along axis \(axis); wrote \(output) \(shape)")
    }
}
