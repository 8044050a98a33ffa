// Interpreting a .npy `descr` string such as '<f4' or '>i8' as a byte order and storage type.

/// A simple (non-structured) NumPy dtype this package can decode.
enum NumpyDataType: Equatable {
    case float(FloatStorage, ByteOrder)
    case integer(IntegerStorage, ByteOrder)

    /// The `descr` strings ``NumpyFile`` can read as floats.
    static let floatDescriptions = ["<f4", ">f4", "<f8", ">f8", "<f2", ">f2"]
    /// The `descr` strings ``NumpyFile`` can read as integers.
    static let integerDescriptions = [
        "|i1", "<i2", ">i2", "<i4", ">i4", "<i8", ">i8",
        "|u1", "<u2", ">u2", "<u4", ">u4", "<u8", ">u8",
    ]

    /// Parses `descr`; `nil` for anything but f2/f4/f8 and i/u 1/2/4/8 with an optional
    /// `<`, `>`, `=` or `|` prefix (the last two meaning native order).
    init?(descr: String) {
        var text = Substring(descr)
        var order = ByteOrder.host
        switch text.first {
        case "<": order = .little; text = text.dropFirst()
        case ">": order = .big; text = text.dropFirst()
        case "=", "|": text = text.dropFirst()
        default: break
        }
        switch text {
        case "f2": self = .float(.float16, order)
        case "f4": self = .float(.float32, order)
        case "f8": self = .float(.float64, order)
        case "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8":
            guard let size = Int(text.dropFirst()) else { return nil }
            self = .integer(IntegerStorage(size: size, isSigned: text.first == "i"), order)
        default:
            return nil
        }
    }

    /// Bytes per element.
    var size: Int {
        switch self {
        case .float(let storage, _): return storage.size
        case .integer(let storage, _): return storage.size
        }
    }
}
