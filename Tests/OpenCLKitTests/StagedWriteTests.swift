// Writes that do not wait (CommandQueue.enqueueWrite, enqueueStagedWrite): their values reach
// the buffer in queue order, the host copies they keep are freed by the next blocking call,
// and bad ranges fail before anything is enqueued.
@testable import OpenCLKit
import Testing

@Suite("Writes that do not wait")
struct StagedWriteTests {
    @Test("queued writes land in order and the next blocking read frees their copies")
    func writesLandInOrder() throws {
        let context = try Context(device: try Device.first())
        let queue = try CommandQueue(context: context)
        let count = 4096
        let buffer = try Buffer(context: context, byteCount: count * 4)
        var values = (0..<count).map { Float($0) * 0.25 - 100 }
        try queue.enqueueWrite(values, to: buffer)
        // Overwrites the middle after the first write, in queue order.
        let middle = (0..<1000).map { -Float($0) - 0.5 }
        try queue.enqueueWrite(middle, to: buffer, offset: 1500)
        try queue.enqueueStagedWrite(to: buffer, byteOffset: 8, byteCount: 8) { staged in
            staged.storeBytes(of: Float(7.25), toByteOffset: 0, as: Float.self)
            staged.storeBytes(of: Float(-3.5), toByteOffset: 4, as: Float.self)
        }
        #expect(!queue.stagedWrites.isEmpty)
        let expected = values
        values[0] = 12345  // the queued write read its own copy, not this array's storage
        let got = try queue.readFloats(buffer, count: count)
        #expect(queue.stagedWrites.isEmpty)
        var want = expected
        want.replaceSubrange(1500..<2500, with: middle)
        want[2] = 7.25
        want[3] = -3.5
        #expect(got == want)
    }

    @Test("a range past the buffer, or a fill that throws, enqueues nothing")
    func badRangesEnqueueNothing() throws {
        struct FillFailed: Error {}
        let context = try Context(device: try Device.first())
        let queue = try CommandQueue(context: context)
        let buffer = try Buffer(context: context, byteCount: 64)
        try queue.write([Float](repeating: 1, count: 16), to: buffer)
        #expect(throws: OpenCLError.self) { try queue.enqueueWrite([Float](repeating: 2, count: 17), to: buffer) }
        #expect(throws: OpenCLError.self) { try queue.enqueueWrite([Float](repeating: 2, count: 1), to: buffer, offset: 16) }
        #expect(throws: FillFailed.self) {
            try queue.enqueueStagedWrite(to: buffer, byteOffset: 0, byteCount: 64) { staged in
                staged.storeBytes(of: Float(3), toByteOffset: 0, as: Float.self)
                throw FillFailed()
            }
        }
        #expect(try queue.readFloats(buffer, count: 16) == [Float](repeating: 1, count: 16))
    }
}
