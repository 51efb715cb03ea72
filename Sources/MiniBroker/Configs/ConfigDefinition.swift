/// One configuration key the broker knows: its Kafka name, type, documentation, the
/// broker-level key that supplies its default, and how values are checked.
///
/// DescribeConfigs v3+ reports `type` and `documentation`; the broker synonym is what
/// `kafka-configs --describe --all` lists below a topic's value.
struct ConfigDefinition: Sendable {
    /// Kafka's config types as DescribeConfigs v3+ carries them.
    enum ValueType: Int8, Sendable {
        case boolean = 1
        case string = 2
        case int = 3
        case long = 5
        case double = 6
        case list = 7
    }

    var name: String
    var type: ValueType
    /// The broker key whose value a topic inherits when it sets none (`log.retention.ms` for
    /// `retention.ms`); nil for keys that exist only per topic.
    var brokerSynonym: String?
    var documentation: String
    /// The value in force when nothing overrides it, from the broker's start options.
    var value: @Sendable (BrokerConfiguration) -> String
    /// Why `value` cannot be used, or nil when it can.
    var check: @Sendable (String) -> String?

    /// The problem with a value of an integer key that must lie in `minimum...maximum`.
    static func integer(
        _ name: String,
        atLeast minimum: Int64,
        atMost maximum: Int64 = .max
    ) -> @Sendable (String) -> String? {
        { value in
            guard let number = Int64(value), number >= minimum, number <= maximum else {
                let range = maximum == .max ? ">= \(minimum)" : "from \(minimum) to \(maximum)"
                return "\(name) must be an integer \(range), got '\(value)'"
            }
            return nil
        }
    }

    /// The problem with a value that must be one of `allowed`.
    static func oneOf(_ name: String, _ allowed: [String]) -> @Sendable (String) -> String? {
        { value in
            allowed.contains(value)
                ? nil : "\(name) must be one of \(allowed.map { "'\($0)'" }.joined(separator: ", ")), got '\(value)'"
        }
    }

    /// The items of a list value (comma-separated, blanks trimmed, empty items dropped).
    static func items(of value: String) -> [String] {
        value.split(separator: ",").map { item in
            String(item.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        }.filter { !$0.isEmpty }
    }
}
