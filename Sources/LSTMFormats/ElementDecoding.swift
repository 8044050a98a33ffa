// Converting raw little- or big-endian element bytes into Swift arrays, fast and without copies
// of `Data` indices; shared by the safetensors and NumPy readers.

/// The byte order of stored multi-byte elements.
enum ByteOrder: Sendable {
    case little
    case big

    /// The order of the machine running this code.
    static var host: ByteOrder {
        #if _endian(little)
        return .little
        #else
        return .big
        #endif
    }
}

/// A floating-point storage type that can be widened or narrowed to `Float`.
enum FloatStorage: Sendable {
    case float16
    case bfloat16
    case float32
    case float64

    /// Bytes per element.
    var size: Int {
        switch self {
        case .float16, .bfloat16: return 2
        case .float32: return 4
        case .float64: return 8
        }
    }
}

/// An integer storage type.
struct IntegerStorage: Sendable, Equatable {
    /// Bytes per element: 1, 2, 4 or 8.
    var size: Int
    var isSigned: Bool
}

enum ElementDecoding {
    /// Reads `count` floats of `storage` type starting at `offset`; the caller has checked the range.
    static func floats(
        _ bytes: UnsafeRawBufferPointer, offset: Int, count: Int, storage: FloatStorage, order: ByteOrder
    ) -> [Float] {
        if storage == .float32, order == ByteOrder.host, count > 0 {
            // Fast path: the stored bytes already are host floats.
            let source = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count * 4)])
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                initialized = count
            }
        }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                let at = offset + index * storage.size
                switch storage {
                case .float16:
                    buffer[index] = halfToFloat(load(UInt16.self, bytes, at, order))
                case .bfloat16:
                    buffer[index] = Float(bitPattern: UInt32(load(UInt16.self, bytes, at, order)) << 16)
                case .float32:
                    buffer[index] = Float(bitPattern: load(UInt32.self, bytes, at, order))
                case .float64:
                    buffer[index] = Float(Double(bitPattern: load(UInt64.self, bytes, at, order)))
                }
            }
            initialized = count
        }
    }

    /// Reads `count` integers; returns `.failure` with the first unsigned value above `Int.max`.
    static func integers(
        _ bytes: UnsafeRawBufferPointer, offset: Int, count: Int, storage: IntegerStorage, order: ByteOrder
    ) -> Result<[Int], UInt64Overflow> {
        var overflow: UInt64?
        let values = [Int](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                let at = offset + index * storage.size
                let value: Int
                switch (storage.size, storage.isSigned) {
                case (1, true): value = Int(Int8(bitPattern: bytes[at]))
                case (1, false): value = Int(bytes[at])
                case (2, true): value = Int(Int16(bitPattern: load(UInt16.self, bytes, at, order)))
                case (2, false): value = Int(load(UInt16.self, bytes, at, order))
                case (4, true): value = Int(Int32(bitPattern: load(UInt32.self, bytes, at, order)))
                case (4, false): value = Int(load(UInt32.self, bytes, at, order))
                case (_, true): value = Int(Int64(bitPattern: load(UInt64.self, bytes, at, order)))
                default:
                    let raw = load(UInt64.self, bytes, at, order)
                    guard let exact = Int(exactly: raw) else {
                        overflow = overflow ?? raw
                        value = 0
                        break
                    }
                    value = exact
                }
                buffer[index] = value
            }
            initialized = count
        }
        if let overflow { return .failure(UInt64Overflow(value: overflow)) }
        return .success(values)
    }

    /// Widens IEEE 754 binary16 bits to `Float` exactly (subnormals, infinities and NaN payloads included).
    static func halfToFloat(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        switch exponent {
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        case 0:
            // Zero or subnormal: mantissa * 2^-24, exact in Float.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        default:
            return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
        }
    }

    /// Loads an unaligned fixed-width integer stored in `order` at byte `offset`.
    @inline(__always)
    static func load<T: FixedWidthInteger>(
        _ type: T.Type, _ bytes: UnsafeRawBufferPointer, _ offset: Int, _ order: ByteOrder
    ) -> T {
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        return order == .little ? T(littleEndian: raw) : T(bigEndian: raw)
    }
}

/// An unsigned 64-bit element too large for `Int`.
struct UInt64Overflow: Error {
    var value: UInt64
}
