import KafkaWire

/// A transaction as the console lists it: KafkaWire's description as the coordinator gives it
/// (producer, state, timeout, start, partitions), since the console adds nothing to it. The
/// name keeps the console's types together (`ConsoleTopic`, `ConsoleGroup`, ...).
public typealias ConsoleTransaction = TransactionDescription
