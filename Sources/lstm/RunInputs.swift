// Loading and checking everything `lstm run` needs before it computes anything.
import Foundation
import LSTMRuntime

/// The model and the validated, memory-mapped inputs of one `lstm run`.
struct RunInputs {
    let model: LSTMModel
    let inputs: BatchInputs

    /// Reads the weights, maps every input file and checks them against each other. Inputs
    /// stay on disk (mapped) and are read a batch slice at a time; Fortran-order files,
    /// rare and unsuited to slicing, are read whole.
    ///
    /// - Throws: `FormatError` for unreadable files, `ModelError` for inconsistent weights,
    ///   `ShapeError` for inputs that do not fit the model, ``CommandError`` for bad lengths.
    init(weights: String, input: String, initialHidden: String?, initialCell: String?, lengths: String?, batchFirst: Bool) throws {
        model = try LSTMModel(stateDict: SafeTensors.read(contentsOf: URL(fileURLWithPath: weights)))
        if initialCell != nil, !model.configuration.hasCellState {
            throw CommandError.noCellState(flag: "--c0", cell: model.configuration.cell.description)
        }
        let sequence = try Self.store(input)
        let hidden = try initialHidden.map(Self.store)
        let cell = try initialCell.map(Self.store)
        let steps = try lengths.map { path -> [Int] in
            let (shape, values) = try NumpyFile.readIntegers(contentsOf: URL(fileURLWithPath: path))
            guard shape.count == 1 else { throw CommandError.lengthsNotVector(path: path, shape: shape) }
            return values
        }
        do {
            inputs = try BatchInputs(
                configuration: model.configuration, sequence: sequence.store, shape: sequence.shape, batchFirst: batchFirst,
                initialHidden: hidden, initialCell: cell, lengths: steps)
        } catch let error as ShapeError {
            throw ShapeError("\(error.description) (model from \(weights): \(Self.summary(model.configuration)))")
        }
    }

    /// A float .npy file, mapped (or read whole when in Fortran order), with its shape.
    static func store(_ path: String) throws -> (store: FloatStore, shape: [Int]) {
        let url = URL(fileURLWithPath: path)
        let mapped = try MappedNumpyArray(contentsOf: url)
        guard mapped.isFortranOrder else { return (.mapped(mapped), mapped.shape) }
        let tensor = try NumpyFile.readFloats(contentsOf: url)
        return (.memory(tensor.values), tensor.shape)
    }

    /// Checks that every output can be written: distinct paths, in existing writable folders,
    /// not naming a folder.
    static func checkDestinations(_ destinations: [(flag: String, path: String)]) throws {
        var seen = Set<String>()
        for (flag, path) in destinations {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            guard seen.insert(url.path).inserted else { throw CommandError.duplicateOutput(path: path) }
            let folder = url.deletingLastPathComponent().path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw CommandError.unwritableOutput(flag: flag, path: path, reason: "folder \(folder) does not exist")
            }
            guard FileManager.default.isWritableFile(atPath: folder) else {
                throw CommandError.unwritableOutput(flag: flag, path: path, reason: "folder \(folder) is not writable")
            }
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
                throw CommandError.unwritableOutput(flag: flag, path: path, reason: "is a folder, not a file")
            }
        }
    }

    /// `LSTM I=4 H=6 layers=2 bidirectional proj=3 peepholes`.
    static func summary(_ configuration: LSTMConfiguration) -> String {
        var parts = [configuration.cell.description, "I=\(configuration.inputSize)", "H=\(configuration.hiddenSize)", "layers=\(configuration.layerCount)"]
        if configuration.bidirectional { parts.append("bidirectional") }
        if configuration.projectionSize > 0 { parts.append("proj=\(configuration.projectionSize)") }
        if configuration.hasPeepholes { parts.append("peepholes") }
        if !configuration.hasBias { parts.append("no bias") }
        if configuration.cell == .gru, !configuration.linearBeforeReset { parts.append("reset before W_hn") }
        return parts.joined(separator: " ")
    }
}
