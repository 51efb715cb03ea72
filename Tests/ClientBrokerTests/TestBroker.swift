import KafkaWire

/// A broker the client tests talk to: aseed's own, served in process (`InProcessBroker`), or
/// a foreign one run as a process (`TansuBroker`). The shared checks need only its address.
protocol TestBroker: Sendable {
    /// Names the broker in failure messages.
    var name: String { get }
    /// Where clients bootstrap; the broker advertises the same address.
    var address: BrokerAddress { get }
}

extension TestBroker {
    var port: Int { address.port }
}
