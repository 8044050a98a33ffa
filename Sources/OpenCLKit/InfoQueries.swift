// Helpers that read string and scalar values from the clGet*Info family.
import COpenCL

/// Reads a string parameter through a clGet*Info-style function.
func queryString(
    _ call: String, _ getter: (Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?) -> cl_int
) throws -> String {
    var size = 0
    try check(getter(0, nil, &size), call)
    guard size > 0 else { return "" }
    var bytes = [CChar](repeating: 0, count: size + 1)
    try bytes.withUnsafeMutableBytes { buffer in
        try check(getter(size, buffer.baseAddress, nil), call)
    }
    return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        .trimmingCharacters(in: " ")
}

/// Reads a fixed-size scalar parameter through a clGet*Info-style function.
func queryValue<T>(
    _ call: String, _ initial: T,
    _ getter: (Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?) -> cl_int
) throws -> T {
    var value = initial
    try withUnsafeMutableBytes(of: &value) { buffer in
        try check(getter(buffer.count, buffer.baseAddress, nil), call)
    }
    return value
}

extension String {
    func trimmingCharacters(in character: Character) -> String {
        var slice = Substring(self)
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return String(slice)
    }
}
