// Turning a stored TensorProto into an ONNXArray: checking its dims, finding its bytes
// (raw_data, the typed fields, or external data beside the model) and converting them.

import Foundation

enum ONNXTensorDecoding {
    /// Decodes `tensor`; external data is looked up in `folder` (nil: external data refused).
    static func array(_ tensor: ONNXTensor, folder: URL?, source: String) throws -> ONNXArray {
        let name = tensor.name.isEmpty ? "(unnamed)" : tensor.name
        func invalid(_ reason: String) -> ONNXError { .invalidTensor(path: source, tensor: name, reason: reason) }
        guard let type = ONNXElementType(rawValue: tensor.dataType) else {
            throw invalid("\(ONNXElementType.name(of: tensor.dataType)) is not supported; accepted: \(ONNXElementType.allCases.map(\.description).joined(separator: ", "))")
        }
        var shape: [Int] = []
        var count = 1
        for dim in tensor.dims {
            guard dim >= 0, dim <= Int64(Int.max) else { throw invalid("dims \(tensor.dims) hold a negative size") }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(dim))
            guard !overflow else { throw invalid("the element count of dims \(tensor.dims) overflows") }
            shape.append(Int(dim))
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: type.byteWidth)
        guard !overflow else { throw invalid("the byte size of dims \(tensor.dims) overflows") }

        if tensor.isExternal {
            let bytes = try ExternalData.read(tensor, name: name, byteCount: byteCount, folder: folder, source: source)
            return ONNXArray(shape: shape, elementType: type, values: decodeRaw(bytes, type: type, count: count))
        }
        if let raw = tensor.rawData {
            guard raw.count == byteCount else {
                throw invalid("dims \(tensor.dims) of \(type) need \(byteCount) bytes but raw_data holds \(raw.count)")
            }
            return ONNXArray(shape: shape, elementType: type, values: decodeRaw(raw, type: type, count: count))
        }
        let values = typedValues(tensor, type: type)
        guard values.count == count else {
            throw invalid("dims \(tensor.dims) need \(count) values but the tensor stores \(values.count)")
        }
        return ONNXArray(shape: shape, elementType: type, values: values)
    }

    /// The typed field ONNX stores `type` in (float16 and bfloat16 as bit patterns in int32_data).
    private static func typedValues(_ tensor: ONNXTensor, type: ONNXElementType) -> ONNXArray.Values {
        switch type {
        case .float: return .floats(tensor.floatData)
        case .double: return .floats(tensor.doubleData.map { Float($0) })
        case .float16: return .floats(tensor.int32Data.map { halfToFloat(UInt16(truncatingIfNeeded: $0)) })
        case .bfloat16: return .floats(tensor.int32Data.map { Float(bitPattern: UInt32(UInt16(truncatingIfNeeded: $0)) << 16) })
        case .int64: return .integers(tensor.int64Data)
        case .uint32, .uint64: return .integers(tensor.uint64Data)
        case .int32, .int16, .int8, .uint16, .uint8, .bool: return .integers(tensor.int32Data)
        }
    }

    /// Little-endian raw bytes (the caller has checked `data.count == count * byteWidth`).
    static func decodeRaw(_ data: Data, type: ONNXElementType, count: Int) -> ONNXArray.Values {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> ONNXArray.Values in
            func word<T: FixedWidthInteger>(_: T.Type, _ index: Int) -> T {
                var value: T = 0
                for byte in 0..<MemoryLayout<T>.size {
                    value |= T(truncatingIfNeeded: bytes[index * MemoryLayout<T>.size + byte]) << (8 * byte)
                }
                return value
            }
            switch type {
            case .float: return .floats((0..<count).map { Float(bitPattern: word(UInt32.self, $0)) })
            case .double: return .floats((0..<count).map { Float(Double(bitPattern: word(UInt64.self, $0))) })
            case .float16: return .floats((0..<count).map { halfToFloat(word(UInt16.self, $0)) })
            case .bfloat16: return .floats((0..<count).map { Float(bitPattern: UInt32(word(UInt16.self, $0)) << 16) })
            case .int64, .uint64: return .integers((0..<count).map { Int64(bitPattern: word(UInt64.self, $0)) })
            case .int32: return .integers((0..<count).map { Int64(Int32(bitPattern: word(UInt32.self, $0))) })
            case .uint32: return .integers((0..<count).map { Int64(word(UInt32.self, $0)) })
            case .int16: return .integers((0..<count).map { Int64(Int16(bitPattern: word(UInt16.self, $0))) })
            case .uint16: return .integers((0..<count).map { Int64(word(UInt16.self, $0)) })
            case .int8: return .integers((0..<count).map { Int64(Int8(bitPattern: bytes[$0])) })
            case .uint8, .bool: return .integers((0..<count).map { Int64(bytes[$0]) })
            }
        }
    }

    /// IEEE 754 binary16 to Float, subnormals, infinities and NaN included.
    static func halfToFloat(_ bits: UInt16) -> Float {
        let sign: Float = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = Float(bits & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * 0x1p-24
        case 0x1F: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}

/// External data: `location` (relative to the model's folder, and inside it), `offset`, `length`.
enum ExternalData {
    static func read(_ tensor: ONNXTensor, name: String, byteCount: Int, folder: URL?, source: String) throws -> Data {
        func fail(_ reason: String) -> ONNXError { .externalData(path: source, tensor: name, reason: reason) }
        guard let folder else { throw fail("external data needs the model's file path (the model was decoded from memory)") }
        guard let location = tensor.externalData["location"], !location.isEmpty else {
            throw fail("data_location is EXTERNAL but no location is given")
        }
        guard let offset = Int(tensor.externalData["offset"] ?? "0"), offset >= 0 else {
            throw fail("offset '\(tensor.externalData["offset"] ?? "")' is not a non-negative integer")
        }
        let length: Int?
        if let text = tensor.externalData["length"] {
            guard let value = Int(text), value >= 0 else { throw fail("length '\(text)' is not a non-negative integer") }
            length = value
        } else {
            length = nil
        }
        let file = try resolve(location, in: folder, fail: fail)
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: file)
        } catch {
            throw fail("cannot open \(location) beside the model: \(error.localizedDescription)")
        }
        defer { try? handle.close() }
        let fileSize: Int
        do {
            fileSize = Int(try handle.seekToEnd())
        } catch {
            throw fail("cannot read \(location): \(error.localizedDescription)")
        }
        let wanted = length ?? max(0, fileSize - offset)
        guard wanted == byteCount else {
            throw fail("\(location) gives \(wanted) bytes (length) but dims \(tensor.dims) of \(ONNXElementType.name(of: tensor.dataType)) need \(byteCount)")
        }
        guard offset <= fileSize, byteCount <= fileSize - offset else {
            throw fail("bytes \(offset)..<\(offset + byteCount) reach past the end of \(location) (\(fileSize) bytes)")
        }
        do {
            try handle.seek(toOffset: UInt64(offset))
            let data = try handle.read(upToCount: byteCount) ?? Data()
            guard data.count == byteCount else { throw fail("\(location) ended after \(data.count) of \(byteCount) bytes") }
            return data
        } catch let error as ONNXError {
            throw error
        } catch {
            throw fail("cannot read \(location): \(error.localizedDescription)")
        }
    }

    /// The file `location` names, refusing absolute paths and anything that leaves `folder`
    /// (through `..` or a symbolic link).
    static func resolve(_ location: String, in folder: URL, fail: (String) -> ONNXError) throws -> URL {
        guard !location.hasPrefix("/"), !location.contains("\0") else {
            throw fail("location '\(location)' is absolute; it must be a path relative to the model's folder")
        }
        let root = folder.standardizedFileURL.resolvingSymlinksInPath()
        let file = root.appendingPathComponent(location).standardizedFileURL.resolvingSymlinksInPath()
        let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
        guard file.path.hasPrefix(rootPath) else {
            throw fail("location '\(location)' lies outside the model's folder \(root.path)")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder) else {
            throw fail("\(location) does not exist beside the model (in \(root.path))")
        }
        guard !isFolder.boolValue else { throw fail("\(location) is a folder, not a file") }
        return file
    }
}
