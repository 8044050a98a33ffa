// Parsing and checking the JSON header of a safetensors file into plain entries. No tensor data
// is touched here; byte ranges are checked against the buffer by the reader.

import Foundation

/// One tensor's description from a safetensors header, with types already checked.
struct SafeTensorsEntry: Equatable {
    var name: String
    var dtype: String
    var shape: [Int]
    var begin: Int
    var end: Int
}

enum SafeTensorsHeader {
    /// The key whose value holds free-form metadata rather than a tensor.
    static let metadataKey = "__metadata__"

    /// Parses the header bytes into entries sorted by name (so errors are reported deterministically).
    static func parse(_ header: UnsafeRawBufferPointer, source: String) throws -> [SafeTensorsEntry] {
        // JSONSerialization guesses UTF-16/32 from zero bytes; insisting on NUL-free UTF-8 keeps it on UTF-8.
        guard String(validating: header, as: UTF8.self) != nil, !header.contains(0) else {
            throw FormatError.malformedHeader(path: source, reason: "the header is not valid UTF-8 JSON text")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(header), options: [])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey].map { ": \($0)" } ?? ""
            throw FormatError.malformedHeader(path: source, reason: "the header is not valid JSON\(detail)")
        }
        guard let dictionary = object as? [String: Any] else {
            throw FormatError.malformedHeader(path: source, reason: "the header is JSON but not an object mapping tensor names to entries")
        }
        return try dictionary
            .filter { $0.key != metadataKey }
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .map { try entry(name: $0.key, value: $0.value, source: source) }
    }

    private static func entry(name: String, value: Any, source: String) throws -> SafeTensorsEntry {
        func malformed(_ reason: String) -> FormatError {
            .malformedEntry(path: source, tensor: name, reason: reason)
        }
        guard let fields = value as? [String: Any] else {
            throw malformed("expected an object with dtype, shape and data_offsets")
        }
        guard let rawDtype = fields["dtype"] else { throw malformed("missing \"dtype\"") }
        guard let dtype = rawDtype as? String else { throw malformed("\"dtype\" must be a string such as \"F32\"") }
        guard let rawShape = fields["shape"] else { throw malformed("missing \"shape\"") }
        guard let shapeItems = rawShape as? [Any] else { throw malformed("\"shape\" must be an array of integers") }
        guard let rawOffsets = fields["data_offsets"] else { throw malformed("missing \"data_offsets\"") }
        guard let offsetItems = rawOffsets as? [Any], offsetItems.count == 2,
              let begin = nonNegativeInteger(offsetItems[0]), let end = nonNegativeInteger(offsetItems[1])
        else {
            throw malformed("\"data_offsets\" must be an array of two non-negative integers [begin, end]")
        }
        var shape: [Int] = []
        shape.reserveCapacity(shapeItems.count)
        for item in shapeItems {
            guard let dimension = nonNegativeInteger(item) else {
                throw FormatError.invalidShape(
                    path: source, tensor: name,
                    reason: "dimension \(describe(item)) is not a non-negative integer")
            }
            shape.append(dimension)
        }
        return SafeTensorsEntry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// The value as a non-negative `Int`, or `nil` for booleans, fractions, floats written with
    /// an exponent or a decimal point, negatives, values past `Int.max`, and non-numbers.
    static func nonNegativeInteger(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        // JSONSerialization stores integers as "q"/"i"/"Q", floats as "d" and booleans as "c".
        let integerTypes: Set<String> = ["i", "s", "l", "q", "I", "S", "L", "Q"]
        guard integerTypes.contains(String(cString: number.objCType)),
              let integer = Int(exactly: number), integer >= 0
        else { return nil }
        return integer
    }

    private static func describe(_ value: Any) -> String {
        if let number = value as? NSNumber { return number.stringValue }
        if let string = value as? String { return "\"\(string)\"" }
        return String(describing: value)
    }
}
