import KafkaWire
import NIOCore

/// What the request handler made of one frame.
enum RequestOutcome: Sendable {
    /// The response, ready now (nil: the request expects none, as Produce with acks=0).
    case respond(ResponseBytes?)
    /// The response needs waiting (Fetch long polling, group rebalances): run `work` off the
    /// event loop; the connection answers nothing else until it is done, keeping Kafka's
    /// in-order responses.
    case respondLater(@Sendable () async -> ResponseBytes?)
    /// The response now, then nothing read from the connection for `pause` (a client over its
    /// quota, KIP-219).
    case respondThenPause(ResponseBytes?, TimeAmount)
}

/// The bytes of one response frame: usually one buffer; for Fetch, buffers with regions of
/// segment files between them, which the socket sends with sendfile.
struct ResponseBytes: Sendable {
    var parts: [IOData]
    /// The error codes in the response, counted per connection for the console.
    var errors: KafkaResponseErrors

    init(_ buffer: ByteBuffer, errors: KafkaResponseErrors = KafkaResponseErrors()) {
        parts = [.byteBuffer(buffer)]
        self.errors = errors
    }

    init(parts: [IOData], errors: KafkaResponseErrors = KafkaResponseErrors()) {
        self.parts = parts
        self.errors = errors
    }
}
