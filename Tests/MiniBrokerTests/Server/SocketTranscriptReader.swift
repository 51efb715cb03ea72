import NIOCore

/// Reads a TCP client's inbound bytes into a transcript: up to a response, or to the close.
struct SocketTranscriptReader {
    var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var received: [UInt8] = []
    private(set) var closed = false

    init(inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
        self.inbound = inbound
    }

    var transcript: ConnectionTranscript {
        ConnectionTranscript(responses: WireFrame.split(received), closed: closed)
    }

    /// Reads until the answer to `correlationId` arrived or the broker closed the connection
    /// (a reset, when it closed with our bytes unread, is a close too).
    mutating func read(until correlationId: Int32) async throws {
        while transcript.response(to: correlationId) == nil {
            let chunk: ByteBuffer?
            do {
                chunk = try await inbound.next()
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                chunk = nil  // reset by the broker
            }
            guard let chunk else {
                closed = true
                return
            }
            received += chunk.readableBytesView
        }
    }
}
