/// The streaming analyzer: order decoding, event-time windows, watermark, dedup, aggregates,
/// checkpoints and published snapshots. Built in its own issue; nothing is here yet.
public enum Analyzer {}
