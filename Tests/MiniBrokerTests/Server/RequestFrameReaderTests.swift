import KafkaWire
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import MiniBroker

@Suite("Request frame reader: frames within the request memory budget, the request deadline")
struct RequestFrameReaderTests {
    /// One connection: an embedded channel with the reader and a counter of the reads the
    /// reader lets through to the socket.
    struct Connection {
        let channel = EmbeddedChannel()
        let reads = ReadCounter()

        init(_ limits: ConnectionLimits) throws {
            try channel.pipeline.syncOperations.addHandlers(
                reads,
                RequestFrameReader(limits: limits, logger: Logger(label: "test"))
            )
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        }

        /// Bytes arrive, and the next handler asks for more as a socket channel with
        /// auto-read does.
        func receive(_ bytes: [UInt8]) throws {
            try channel.writeInbound(ByteBuffer(bytes: bytes))
            channel.read()
        }

        func frames() throws -> [[UInt8]] {
            var frames: [[UInt8]] = []
            while let frame = try channel.readInbound(as: ByteBuffer.self) {
                frames.append(Array(frame.readableBytesView))
            }
            return frames
        }
    }

    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = Any
        var count = 0

        func read(context: ChannelHandlerContext) {
            count += 1
            context.read()
        }
    }

    private func limits(budget: Int = 1 << 20, timeoutMs: Int64 = 30_000) -> ConnectionLimits {
        var configuration = BrokerConfiguration()
        configuration.queuedMaxRequestBytes = budget
        configuration.partialRequestTimeoutMs = timeoutMs
        configuration.socketRequestMaxBytes = 1 << 24
        return ConnectionLimits(configuration)
    }

    private func frame(_ body: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: Int32(body.count).bigEndian, Array.init) + body
    }

    private func body(_ count: Int, _ seed: UInt8 = 1) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0) &+ seed }
    }

    @Test func framesComeOutWholeWhetherTheyArriveTogetherOrInPieces() throws {
        let connection = try Connection(limits())
        let (a, b, c) = (body(10), body(300, 7), body(100_000, 3))
        try connection.receive(frame(a) + frame(b) + frame(c).prefix(2))
        #expect(try connection.frames() == [a, b])
        let rest = Array(frame(c).dropFirst(2))
        try connection.receive(Array(rest.prefix(50_000)))
        #expect(try connection.frames().isEmpty)
        try connection.receive(Array(rest.dropFirst(50_000)) + frame([]))
        #expect(try connection.frames() == [c, []])
    }

    @Test func aLargeRequestReservesItsSizeAndIsAssembledInOneBufferAllocatedForIt() throws {
        let limits = limits()
        let connection = try Connection(limits)
        let request = frame(body(200_000))
        try connection.receive(Array(request.prefix(1000)))
        #expect(limits.requestBudget.reservedBytes == 200_000)
        try connection.receive(Array(request.dropFirst(1000)))
        let assembled = try connection.channel.readInbound(as: ByteBuffer.self)
        // Allocated once for the announced size (NIO rounds it up to a power of two), not
        // grown by doubling as reads come, which would copy it at every step.
        #expect(assembled?.capacity == 262_144)
        #expect(assembled.map { Array($0.readableBytesView) } == body(200_000))
        #expect(limits.requestBudget.reservedBytes == 0)
    }

    @Test func smallRequestsNeverWaitForTheBudget() throws {
        let limits = limits(budget: 100_000)
        let holder = try Connection(limits)
        try holder.receive(Array(frame(body(100_000)).prefix(10)))
        let small = try Connection(limits)
        let request = frame(body(ConnectionLimits.unbudgetedFrameSize))
        try small.receive(Array(request.prefix(100)))
        try small.receive(Array(request.dropFirst(100)))
        #expect(try small.frames() == [body(ConnectionLimits.unbudgetedFrameSize)])
        #expect(limits.requestBudget.reservedBytes == 100_000)
    }

    @Test func aRequestThatDoesNotFitStopsReadingUntilTheBudgetHasRoom() throws {
        let limits = limits(budget: 150_000)
        let first = try Connection(limits)
        let second = try Connection(limits)
        let request = frame(body(100_000))
        try first.receive(Array(request.prefix(30_000)))
        let readsBefore = second.reads.count
        try second.receive(Array(request.prefix(10)))
        // The second connection's request waits: it asked to read on, and the reader did not.
        #expect(second.reads.count == readsBefore)
        #expect(limits.requestBudget.waitingCount == 1)
        #expect(limits.requestBudget.reservedBytes == 100_000)

        try first.receive(Array(request.dropFirst(30_000)))
        #expect(try first.frames() == [body(100_000)])
        second.channel.embeddedEventLoop.run()  // the grant hops to the waiting connection's loop
        #expect(second.reads.count == readsBefore + 1)
        #expect(limits.requestBudget.reservedBytes == 100_000)
        try second.receive(Array(request.dropFirst(10)))
        #expect(try second.frames() == [body(100_000)])
        #expect(limits.requestBudget.reservedBytes == 0)
    }

    @Test func closingAConnectionGivesBackWhatItHeldOrWaitedFor() throws {
        let limits = limits(budget: 150_000)
        let first = try Connection(limits)
        let second = try Connection(limits)
        try first.receive(Array(frame(body(100_000)).prefix(50)))
        try second.receive(Array(frame(body(100_000)).prefix(50)))
        #expect(limits.requestBudget.waitingCount == 1)
        _ = try second.channel.finish()
        #expect(limits.requestBudget.waitingCount == 0)
        _ = try first.channel.finish()
        #expect(limits.requestBudget.reservedBytes == 0)
    }

    @Test func aRequestNotCompleteWithinTheDeadlineClosesTheConnection() throws {
        let connection = try Connection(limits(timeoutMs: 1000))
        let request = frame(body(500))
        try connection.receive(Array(request.prefix(100)))
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(600))
        // Bytes keep coming, but the deadline counts from the request's first bytes.
        try connection.receive(Array(request.dropFirst(100).prefix(100)))
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(399))
        #expect(connection.channel.isActive)
        connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!connection.channel.isActive)
    }

    @Test func theDeadlineStartsAgainForEachRequest() throws {
        let connection = try Connection(limits(timeoutMs: 1000))
        let request = frame(body(500))
        for _ in 0..<3 {
            try connection.receive(Array(request.prefix(100)))
            connection.channel.embeddedEventLoop.advanceTime(by: .milliseconds(900))
            try connection.receive(Array(request.dropFirst(100)))
            #expect(try connection.frames() == [body(500)])
        }
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(connection.channel.isActive)
    }

    @Test func aConnectionWhoseReadsItsOwnQueueHoldsIsNotTimedOut() throws {
        let connection = try Connection(limits(timeoutMs: 1000))
        // Bytes arrive, but nothing asks for the next read: the request queue is full.
        try connection.channel.writeInbound(ByteBuffer(bytes: frame(body(500)).prefix(100)))
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(connection.channel.isActive)
        connection.channel.read()
        connection.channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!connection.channel.isActive)
    }

    @Test(arguments: [Int32(-1), Int32(1 << 24 + 1)])
    func anImpossibleSizeIsRefusedFromTheSizeFieldAlone(size: Int32) throws {
        let connection = try Connection(limits())
        #expect(throws: KafkaFrameDecoder.FrameError.self) {
            try connection.channel.writeInbound(ByteBuffer(bytes: withUnsafeBytes(of: size.bigEndian, Array.init)))
        }
    }
}
