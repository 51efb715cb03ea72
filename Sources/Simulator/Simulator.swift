/// The order simulator: a `Catalog` of products, an `OrderGenerator` that makes seeded,
/// scenario-aware orders encoded as the original's JSON, a `RateController` for pacing, and
/// the `OrderSimulator` service that sends batches to an `OrderSink` (the Kafka producer in
/// the appliance).
public enum Simulator {}
