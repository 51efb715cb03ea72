import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import MiniBroker

#if canImport(Glibc)
import Glibc
#endif

@Suite("Accept backoff: out of file descriptors, the listener pauses instead of spinning")
struct AcceptBackoffTests {
    private let log = RecordingLogHandler()
    private let channel = EmbeddedChannel()

    init() throws {
        let log = self.log
        try channel.pipeline.syncOperations.addHandler(AcceptBackoff(logger: Logger(label: "test") { _ in log }))
    }

    private func acceptFails(_ code: CInt = EMFILE) throws {
        channel.pipeline.fireErrorCaught(IOError(errnoCode: code, reason: "accept"))
        try channel.throwIfErrorCaught()
    }

    /// Whether the listener reads (accepts): the last auto-read the handler set, on by default.
    private var accepting: Bool {
        channel.options.last { $0.option is ChannelOptions.Types.AutoReadOption }?.value as? Bool ?? true
    }

    /// Milliseconds until the listener accepts again.
    private func pause() -> Int64 {
        var waited: Int64 = 0
        while !accepting && waited < 10_000 {
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
            waited += 1
        }
        return waited
    }

    @Test func failuresPauseAcceptingFrom100MsDoublingTo1s() throws {
        #expect(accepting)
        var pauses: [Int64] = []
        for _ in 0..<6 {
            try acceptFails()
            pauses.append(pause())
        }
        #expect(pauses == [100, 200, 400, 800, 1000, 1000])
    }

    @Test func anEpisodeIsLoggedOnceAndItsEndToo() throws {
        for code in [EMFILE, ENFILE, EMFILE] {
            try acceptFails(code)
            _ = pause()
        }
        #expect(log.lines(at: .error).count == 1)
        #expect(log.lines(at: .error).first?.contains("cannot accept connections") == true)
        channel.pipeline.fireChannelRead(NIOAny(EmbeddedChannel() as Channel))
        #expect(log.lines(at: .info) == ["accepting connections again after 3 refused attempts"])
        // The next shortage is a new episode, starting again at 100 ms.
        try acceptFails()
        #expect(pause() == 100)
        #expect(log.lines(at: .error).count == 2)
    }

    @Test func otherErrorsPassOnWithoutPausing() {
        channel.pipeline.fireErrorCaught(IOError(errnoCode: EBADF, reason: "accept"))
        #expect(throws: IOError.self) { try channel.throwIfErrorCaught() }
        #expect(accepting)
    }
}
