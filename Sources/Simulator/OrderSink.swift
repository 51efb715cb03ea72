/// Where the simulator's records go: the Kafka producer in the appliance (topic `orders`,
/// key = order id, value = JSON, record timestamp = order time), or a test double.
///
/// Records come in batches because one async call per order would cost more than making
/// the order; a producer appends a batch's slices into its own record batches.
public protocol OrderSink: Sendable {
    /// Accepts the records; may wait when the producer's buffer is full (back-pressure).
    /// A thrown error drops this batch; the simulator logs it, counts it and carries on.
    func send(_ batch: OrderBatch) async throws
    /// Waits until everything accepted so far is delivered (called before stopping).
    func flush() async throws
}
