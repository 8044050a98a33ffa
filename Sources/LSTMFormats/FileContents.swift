// Loading a whole file for the readers, turning Foundation's errors into `FormatError`.

import Foundation

enum FileContents {
    /// The file's bytes, memory-mapped when safe so multi-MB weight files are not copied.
    static func read(_ url: URL) throws -> Data {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw FormatError.cannotRead(path: url.path, reason: "no such file")
        }
        guard !isFolder.boolValue else {
            throw FormatError.cannotRead(path: url.path, reason: "it is a folder, not a file")
        }
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw FormatError.cannotRead(path: url.path, reason: error.localizedDescription)
        }
    }
}
