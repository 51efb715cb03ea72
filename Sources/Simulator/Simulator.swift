/// The order simulator: catalog, order generator, rates and scenarios, producing into the
/// `orders` topic over the Kafka protocol. Built in its own issue; nothing is here yet.
public enum Simulator {}
