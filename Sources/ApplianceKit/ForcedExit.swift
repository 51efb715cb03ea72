import Logging
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

/// The first SIGTERM or SIGINT stops a command gracefully (flushing the broker,
/// checkpointing the analyzer); a second one, for an operator who cannot wait, ends the
/// process at once. With a stop timeout, a graceful stop that has not ended within it ends the
/// same way, naming the components still stopping, so a stuck component cannot keep the process
/// (and a service manager waiting on it) forever. Nothing acknowledged is lost either way:
/// the broker's recovery and the analyzer's checkpoint cover an abrupt end.
public enum ForcedExit {
    /// The default stop timeout: far above a normal stop (the dashboard closes its clients
    /// within a few seconds, the broker flushes in well under one).
    public static let defaultStopTimeout = Duration.seconds(20)

    /// The exit status after a second signal: the shell's 128 + SIGINT, as an interrupted command.
    public static let secondSignalStatus: Int32 = 130

    /// Watches SIGTERM and SIGINT from now on; `pending` names the components that have not
    /// stopped yet. Returns once the signals are trapped, so none sent afterwards is missed.
    ///
    /// - Parameter stopTimeout: how long the graceful stop that the first signal starts may
    ///   take; nil waits for it however long it takes.
    public static func watch(
        logger: Logger,
        stopTimeout: Duration?,
        pending: @escaping @Sendable () -> [String] = { [] }
    ) async {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        Task.detached {
            var seen = 0
            for await signal in signals {
                seen += 1
                if seen == 1 {
                    if let stopTimeout { exitUnlessStopped(within: stopTimeout, logger: logger, pending: pending) }
                    continue
                }
                logger.warning("second \(signal): exiting now, without waiting for the graceful stop")
                _exit(secondSignalStatus)
            }
        }
    }

    private static func exitUnlessStopped(
        within timeout: Duration,
        logger: Logger,
        pending: @escaping @Sendable () -> [String]
    ) {
        Task.detached {
            try? await Task.sleep(for: timeout)
            let names = pending()
            let waiting = names.isEmpty ? "" : " (still stopping: \(names.joined(separator: ", ")))"
            logger.error("the graceful stop did not end within \(timeout)\(waiting): exiting now")
            _exit(1)
        }
    }
}
