// A strict parser for the Python dictionary literal in a .npy header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
// It accepts exactly that grammar (quoted strings, True/False, tuples of integers) and
// rejects everything else, so garbage never reaches the array decoder.

/// The three facts a .npy header states.
struct NumpyHeader: Equatable {
    /// The dtype string, such as `<f4`.
    var descr: String
    /// `true` when elements are stored column-major (first index fastest).
    var fortranOrder: Bool
    var shape: [Int]
}

struct NumpyHeaderParser {
    private enum Value {
        case string(String)
        case boolean(Bool)
        case tuple([Int])
    }

    private let bytes: UnsafeRawBufferPointer
    private let source: String
    private var position = 0

    /// Parses a whole header; only whitespace may follow the closing brace.
    static func parse(_ bytes: UnsafeRawBufferPointer, source: String) throws -> NumpyHeader {
        var parser = NumpyHeaderParser(bytes: bytes, source: source)
        return try parser.parseHeader()
    }

    private init(bytes: UnsafeRawBufferPointer, source: String) {
        self.bytes = bytes
        self.source = source
    }

    private mutating func parseHeader() throws -> NumpyHeader {
        var entries: [String: Value] = [:]
        skipWhitespace()
        try expect("{")
        skipWhitespace()
        while peek() != UInt8(ascii: "}") {
            let key = try parseString()
            skipWhitespace()
            try expect(":")
            skipWhitespace()
            guard entries.updateValue(try parseValue(), forKey: key) == nil else {
                throw garbage("key '\(key)' appears twice")
            }
            skipWhitespace()
            guard peek() == UInt8(ascii: ",") else { break }
            position += 1
            skipWhitespace()
        }
        try expect("}")
        skipWhitespace()
        guard position == bytes.count else { throw garbage("unexpected text after the closing '}'") }
        return try header(from: entries)
    }

    private func header(from entries: [String: Value]) throws -> NumpyHeader {
        if let extra = entries.keys.sorted().first(where: { !["descr", "fortran_order", "shape"].contains($0) }) {
            throw garbage("unexpected key '\(extra)' (a .npy header has exactly 'descr', 'fortran_order' and 'shape')")
        }
        guard case .string(let descr)? = entries["descr"] else {
            throw garbage("'descr' is missing or not a dtype string such as '<f4' (structured dtypes are not supported)")
        }
        guard case .boolean(let fortranOrder)? = entries["fortran_order"] else {
            throw garbage("'fortran_order' is missing or not True/False")
        }
        guard case .tuple(let shape)? = entries["shape"] else {
            throw garbage("'shape' is missing or not a tuple of integers")
        }
        return NumpyHeader(descr: descr, fortranOrder: fortranOrder, shape: shape)
    }

    private mutating func parseValue() throws -> Value {
        switch peek() {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "("):
            return .tuple(try parseTuple())
        case UInt8(ascii: "T"):
            try expectWord("True")
            return .boolean(true)
        case UInt8(ascii: "F"):
            try expectWord("False")
            return .boolean(false)
        default:
            throw garbage("expected a string, True, False or a tuple")
        }
    }

    /// A quoted string without escapes (dtype strings and keys never need them).
    private mutating func parseString() throws -> String {
        guard let quote = peek(), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") else {
            throw garbage("expected a quoted string")
        }
        position += 1
        let start = position
        while let byte = peek(), byte != quote {
            guard byte != UInt8(ascii: "\\"), byte != UInt8(ascii: "\n") else {
                throw garbage("escapes and line breaks inside strings are not supported")
            }
            position += 1
        }
        guard peek() == quote else { throw garbage("unterminated string") }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        position += 1
        return text
    }

    /// `()`, `(5,)`, `(3, 4)` or `(3, 4,)`; `(5)` is a parenthesised integer in Python, not a tuple.
    private mutating func parseTuple() throws -> [Int] {
        try expect("(")
        skipWhitespace()
        var items: [Int] = []
        var sawComma = false
        while peek() != UInt8(ascii: ")") {
            items.append(try parseInteger())
            skipWhitespace()
            guard peek() == UInt8(ascii: ",") else { break }
            sawComma = true
            position += 1
            skipWhitespace()
        }
        try expect(")")
        guard items.count != 1 || sawComma else {
            throw garbage("a one-dimensional shape must be written with a trailing comma, as in (5,)")
        }
        return items
    }

    /// A decimal integer, optionally negative, with Python 2's optional `L` suffix.
    private mutating func parseInteger() throws -> Int {
        let negative = peek() == UInt8(ascii: "-")
        if negative { position += 1 }
        var value = 0
        var digits = 0
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else {
                throw FormatError.invalidShape(path: source, tensor: nil, reason: "a dimension does not fit in a 64-bit integer")
            }
            value = next
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw garbage("expected an integer in the shape tuple") }
        if peek() == UInt8(ascii: "L") || peek() == UInt8(ascii: "l") { position += 1 }
        guard !negative || value == 0 else {
            throw FormatError.invalidShape(path: source, tensor: nil, reason: "dimension -\(value) is negative")
        }
        return value
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || (0x09...0x0D).contains(byte) { position += 1 }
    }

    private mutating func expect(_ character: Unicode.Scalar) throws {
        guard peek() == UInt8(ascii: character) else { throw garbage("expected '\(character)'") }
        position += 1
    }

    private mutating func expectWord(_ word: String) throws {
        for byte in word.utf8 {
            guard peek() == byte else { throw garbage("expected \(word)") }
            position += 1
        }
    }

    private func garbage(_ reason: String) -> FormatError {
        .malformedHeader(path: source, reason: "\(reason) at byte \(position) of the header dictionary")
    }
}
