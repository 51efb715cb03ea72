import KafkaWire
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import MiniBroker

/// One connection served by `RequestFrameReader` and `KafkaConnectionHandler`, set up as
/// `KafkaServer` sets up each accepted socket, on an in-memory channel. The channel is
/// `NIOAsyncTestingChannel`, the thread-safe kind of `EmbeddedChannel`: requests that wait
/// (groups, fetches) are answered from a task off the event loop.
final class EmbeddedKafkaConnection {
    let channel: NIOAsyncTestingChannel
    private var written: [UInt8] = []

    init(_ broker: ServedBroker) async throws {
        let limits = broker.limits
        let handler = broker.handler
        let users = broker.users
        let sessionLifetime = broker.sessionLifetime
        let listener = broker.listener
        let failedLoginDelay = TimeAmount.milliseconds(broker.failedLoginDelayMs)
        let logger = Logger(label: "embedded-connection")
        channel = try await NIOAsyncTestingChannel { channel in
            try channel.pipeline.syncOperations.addHandlers(
                RequestFrameReader(limits: limits, logger: logger),
                KafkaConnectionHandler(
                    handler: handler,
                    listener: listener,
                    authenticator: listener.securityProtocol.usesSasl
                        ? SaslAuthenticator(
                            mechanisms: SaslMechanism.allCases,
                            users: users,
                            sessionLifetime: sessionLifetime
                        ) : nil,
                    failedLoginDelay: failedLoginDelay,
                    idleTimeout: limits.idleTimeout,
                    logger: logger
                )
            )
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).get()
    }

    /// Runs the steps in order and returns what came back.
    func run(_ steps: [ConnectionStep], timeout: Duration = .seconds(10)) async throws -> ConnectionTranscript {
        var transcript = ConnectionTranscript()
        for step in steps where !transcript.closed {
            try await send(step.bytes)
            transcript = try await self.transcript(until: step.awaitedCorrelationId, timeout: timeout)
        }
        return transcript
    }

    /// Bytes arriving from the client in one read.
    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    /// Everything written so far, once the answer to `correlationId` is among it, the
    /// connection closed or `timeout` passed.
    func transcript(until correlationId: Int32, timeout: Duration = .seconds(10)) async throws -> ConnectionTranscript {
        let deadline = ContinuousClock.now + timeout
        while true {
            // Answers of requests that waited come back to the loop as tasks.
            await channel.testingEventLoop.run()
            try await collectWrites()
            let transcript = ConnectionTranscript(responses: WireFrame.split(written), closed: !channel.isActive)
            if transcript.closed || transcript.response(to: correlationId) != nil || ContinuousClock.now > deadline {
                return transcript
            }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Moves the event loop's clock, running the tasks that come due (delayed closes, timers).
    func advanceTime(by amount: TimeAmount) async {
        await channel.testingEventLoop.advanceTime(by: amount)
    }

    /// Closes the channel if the handler has not.
    func close() async {
        try? await channel.close()
    }

    private func collectWrites() async throws {
        while let data = try await channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(let buffer) = data else {
                Issue.record("a file region was written, but these tests fetch no stored data")
                continue
            }
            written += buffer.readableBytesView
        }
    }
}
