extension GroupCoordinator {
    /// Broker settings of the group coordinator, named after Kafka's broker configs.
    public struct Configuration: Sendable {
        /// `group.min.session.timeout.ms`: shorter session timeouts are refused.
        public var minSessionTimeoutMs: Int32
        /// `group.max.session.timeout.ms`: longer session timeouts are refused.
        public var maxSessionTimeoutMs: Int32
        /// `group.initial.rebalance.delay.ms`: how long a group leaving Empty waits for more
        /// members before its first generation.
        public var initialRebalanceDelayMs: Int32

        /// Creates a configuration; the defaults are Kafka's.
        public init(
            minSessionTimeoutMs: Int32 = 6_000,
            maxSessionTimeoutMs: Int32 = 1_800_000,
            initialRebalanceDelayMs: Int32 = 3_000
        ) {
            self.minSessionTimeoutMs = minSessionTimeoutMs
            self.maxSessionTimeoutMs = maxSessionTimeoutMs
            self.initialRebalanceDelayMs = initialRebalanceDelayMs
        }

        func acceptsSessionTimeout(_ milliseconds: Int32) -> Bool {
            (minSessionTimeoutMs...maxSessionTimeoutMs).contains(milliseconds)
        }
    }
}
