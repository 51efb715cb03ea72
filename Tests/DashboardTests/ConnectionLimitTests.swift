import NIOCore
import NIOEmbedded
import Testing

@testable import Dashboard

@Suite("Connection limits: the request head guard, the connection registry, the hub at shutdown")
struct ConnectionLimitTests {
    static let limits = RequestHeadGuard.Limits(
        maxRequestLine: 64,
        maxHead: 256,
        headerTimeout: .seconds(10),
        idleTimeout: .seconds(60)
    )

    private func guarded() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(RequestHeadGuard(limits: Self.limits))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    private func answer(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    @Test func aWholeHeadWithinTheLimitsPassesUntouched() throws {
        let channel = try guarded()
        let request = "GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n"
        try channel.writeInbound(ByteBuffer(string: request))
        #expect(try channel.readInbound(as: ByteBuffer.self).map { String(buffer: $0) } == request)
        // The body and what follows are not the guard's business.
        try channel.writeInbound(ByteBuffer(string: String(repeating: "b", count: 1000)))
        #expect(try channel.readInbound(as: ByteBuffer.self)?.readableBytes == 1000)
        #expect(try answer(channel).isEmpty)
        channel.embeddedEventLoop.advanceTime(by: .seconds(11))
        #expect(channel.isActive, "no timer runs while an exchange is under way")
    }

    @Test func aLongRequestLineIsAnswered414AndNotPassedOn() throws {
        let channel = try guarded()
        try channel.writeInbound(ByteBuffer(string: "GET /" + String(repeating: "a", count: 100)))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        let text = try answer(channel)
        #expect(text.hasPrefix("HTTP/1.1 414 URI Too Long\r\n"))
        #expect(text.contains("Connection: close\r\n"))
        #expect(text.hasSuffix(#""error":"uri-too-long","message":"the request line is longer than 64 bytes"}"#))
        // What the client still sends is dropped; the connection closes after the linger.
        try channel.writeInbound(ByteBuffer(string: "more"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        channel.embeddedEventLoop.advanceTime(by: RequestHeadGuard.linger)
        #expect(!channel.isActive)
    }

    @Test func aLongHeadIsAnswered431EvenWhenItComesInPieces() throws {
        let channel = try guarded()
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n"))
        for _ in 0..<30 { try channel.writeInbound(ByteBuffer(string: "X-Padding: aaaaaaaaaa\r\n")) }
        #expect(try answer(channel).hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
    }

    @Test func aHeadEndSplitAcrossReadsIsFound() throws {
        let channel = try guarded()
        for piece in ["GET / HTTP/1.1\r\nHost: x\r", "\n", "\r", "\n"] {
            try channel.writeInbound(ByteBuffer(string: piece))
        }
        channel.embeddedEventLoop.advanceTime(by: .seconds(11))
        #expect(try answer(channel).isEmpty)
        #expect(channel.isActive)
    }

    @Test func aPartialHeadIsAnswered408AfterTheHeaderTimeout() throws {
        let channel = try guarded()
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(try answer(channel).isEmpty)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(try answer(channel).hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        channel.embeddedEventLoop.advanceTime(by: RequestHeadGuard.linger)
        #expect(!channel.isActive)
    }

    @Test func aConnectionThatSendsNothingIsClosedAfterTheHeaderTimeout() throws {
        let channel = try guarded()
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(!channel.isActive)
        #expect(try answer(channel).isEmpty)
    }

    @Test func aQuiescedConnectionWithNothingUnderWayClosesAtOnce() throws {
        let idle = try guarded()
        idle.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(!idle.isActive)
        let busy = try guarded()
        try busy.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"))
        busy.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(busy.isActive, "an exchange under way is finished first")
    }

    @Test func theRegistryClosesWhatIsLeftAndWhatOpensAfter() throws {
        let registry = ConnectionRegistry()
        let open = EmbeddedChannel()
        try open.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let gone = EmbeddedChannel()
        try gone.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        registry.add(open)
        registry.add(gone)
        _ = try gone.finish()
        #expect(registry.count == 1)
        registry.closeAll()
        #expect(!open.isActive)
        let late = EmbeddedChannel()
        try late.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        registry.add(late)
        #expect(!late.isActive)
    }

    @Test func aFinishedHubTakesNoMoreClients() async {
        let hub = WebSocketHub(maxClients: 10, queueLength: 4)
        let client = hub.connect()
        hub.finishAll()
        #expect(hub.isClosed)
        #expect(hub.connect() == nil)
        var received = 0
        for await _ in client!.messages { received += 1 }
        #expect(received == 0)
        #expect(hub.refusedClients == 1)
    }
}
