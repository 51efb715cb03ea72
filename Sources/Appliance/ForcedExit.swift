import Logging
import ServiceLifecycle
import UnixSignals
#if canImport(Glibc)
import Glibc
#endif

/// The first SIGTERM or SIGINT stops the appliance gracefully (flushing the broker,
/// checkpointing the analyzer); a second one, for an operator who cannot wait, ends the
/// process at once. Nothing acknowledged is lost either way: the broker's recovery and the
/// analyzer's checkpoint cover an abrupt end.
enum ForcedExit {
    static func onSecondSignal(logger: Logger) {
        Task.detached {
            var seen = 0
            for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                seen += 1
                guard seen >= 2 else { continue }
                logger.warning("second \(signal): exiting now, without waiting for the graceful stop")
                _exit(130)
            }
        }
    }
}
