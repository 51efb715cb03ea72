import Logging
import ServiceLifecycle
import UnixSignals
#if canImport(Glibc)
import Glibc
#endif

/// The first SIGTERM or SIGINT stops the appliance gracefully (flushing the broker,
/// checkpointing the analyzer); a second one, for an operator who cannot wait, ends the
/// process at once. A graceful stop that has not ended within the stop timeout ends the same
/// way, naming the components still stopping, so a stuck component cannot keep the process
/// (and a service manager waiting on it) forever. Nothing acknowledged is lost either way:
/// the broker's recovery and the analyzer's checkpoint cover an abrupt end.
enum ForcedExit {
    /// The default stop timeout: far above a normal stop (the dashboard closes its clients
    /// within a few seconds, the broker flushes in well under one).
    static let defaultStopTimeout = Duration.seconds(20)

    /// Watches the signals; `pending` names the components that have not stopped yet.
    static func onSecondSignal(logger: Logger, stopTimeout: Duration = defaultStopTimeout,
                               pending: @escaping @Sendable () -> [String] = { [] }) {
        Task.detached {
            var seen = 0
            for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                seen += 1
                if seen == 1 {
                    exitUnlessStopped(within: stopTimeout, logger: logger, pending: pending)
                    continue
                }
                logger.warning("second \(signal): exiting now, without waiting for the graceful stop")
                _exit(130)
            }
        }
    }

    private static func exitUnlessStopped(within timeout: Duration, logger: Logger, pending: @escaping @Sendable () -> [String]) {
        Task.detached {
            try? await Task.sleep(for: timeout)
            let names = pending()
            let waiting = names.isEmpty ? "" : " (still stopping: \(names.joined(separator: ", ")))"
            logger.error("the graceful stop did not end within \(timeout)\(waiting): exiting now")
            _exit(1)
        }
    }
}
