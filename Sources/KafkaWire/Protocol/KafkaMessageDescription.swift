import NIOCore

/// A decoded Kafka message as a person reads it: every field by name, nested messages
/// indented, bytes as their length, and the topics and partitions it names. For the console's
/// view of one client's requests; it reflects on the generated codecs, so it knows every API
/// and costs more than the codecs themselves (the broker builds one only for a request someone
/// watches).
public struct KafkaMessageDescription: Sendable {
    /// One line per field, `name: value`, nested fields indented by two spaces.
    public var lines: [String]
    /// The topics the message names, each with the partitions it names in it (empty when it
    /// names none, as Metadata for a topic), in the order met.
    public var topics: [(topic: String, partitions: [Int32])] {
        topicOrder.map { ($0, topicPartitions[$0] ?? []) }
    }
    /// Whether lines were left out beyond `lineLimit`.
    public var truncated = false

    private var topicOrder: [String] = []
    private var topicPartitions: [String: [Int32]] = [:]
    private let lineLimit: Int

    /// Describes `message`, in at most `lineLimit` lines.
    public init(of message: Any, lineLimit: Int = 400) {
        self.lines = []
        self.lineLimit = lineLimit
        describeChildren(of: Mirror(reflecting: message), label: "", indent: "")
    }

    /// The topics and partitions in one line: `orders[0,1] payments[2]`.
    public var topicSummary: String {
        topics.map { topic, partitions in
            partitions.isEmpty ? topic : "\(topic)[\(partitions.map(String.init).joined(separator: ","))]"
        }.joined(separator: " ")
    }

    private mutating func add(_ line: String) {
        if lines.count < lineLimit {
            lines.append(line)
        } else {
            truncated = true
        }
    }

    private mutating func describeChildren(of mirror: Mirror, label: String, indent: String) {
        noteTopic(in: mirror, label: label)
        for child in mirror.children {
            describe(child.value, label: child.label ?? "?", indent: indent)
        }
    }

    private mutating func describe(_ value: Any, label: String, indent: String) {
        if let scalar = Self.scalarText(value) {
            add("\(indent)\(label): \(scalar)")
            return
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            if let wrapped = mirror.children.first {
                describe(wrapped.value, label: label, indent: indent)
            } else {
                add("\(indent)\(label): null")
            }
        case .collection:
            let elements = mirror.children.map(\.value)
            let scalars = elements.compactMap(Self.scalarText)
            if scalars.count == elements.count {
                add("\(indent)\(label): [\(scalars.joined(separator: ", "))]")
            } else {
                for (index, element) in elements.enumerated() {
                    describe(element, label: "\(label)[\(index)]", indent: indent)
                }
            }
        case .struct, .class, .enum, .tuple:
            add("\(indent)\(label):")
            describeChildren(of: mirror, label: label, indent: indent + "  ")
        default:
            add("\(indent)\(label): \(value)")
        }
    }

    /// Records the topic a struct names (a `name` or `topic` string field, in a field about
    /// topics or beside partitions) with the partitions it lists: numbers in a field whose name
    /// mentions partitions, or the `partitionIndex`, `partition` or `index` of the messages in
    /// such a field. A list of names in a field about topics names topics too.
    private mutating func noteTopic(in mirror: Mirror, label: String) {
        var topic: String?
        var partitions: [Int32] = []
        var listsPartitions = false
        for child in mirror.children {
            guard let label = child.label else { continue }
            if label == "name" || label == "topic", let name = child.value as? String {
                topic = name
            } else if label.lowercased().contains("topic"), let names = child.value as? [String] {
                for name in names { note(name, partitions: []) }
            } else if label.lowercased().contains("partition") {
                let list = Mirror(reflecting: child.value)
                guard list.displayStyle == .collection else { continue }
                listsPartitions = true
                partitions += list.children.compactMap { Self.partitionNumber(in: $0.value) }
            }
        }
        guard let topic, listsPartitions || label.lowercased().contains("topic") else { return }
        note(topic, partitions: partitions)
    }

    private mutating func note(_ topic: String, partitions: [Int32]) {
        if topicPartitions[topic] == nil { topicOrder.append(topic) }
        topicPartitions[topic, default: []] += partitions
    }

    private static func partitionNumber(in value: Any) -> Int32? {
        if let number = value as? Int32 { return number }
        for child in Mirror(reflecting: value).children
        where child.label == "partitionIndex" || child.label == "partition" || child.label == "index" {
            if let number = child.value as? Int32 { return number }
        }
        return nil
    }

    /// The text of a value shown on its field's line; nil for what nests.
    private static func scalarText(_ value: Any) -> String? {
        switch value {
        case let string as String: return "\"\(string)\""
        case let bytes as ByteBuffer: return "<\(bytes.readableBytes) bytes>"
        case let uuid as KafkaUUID: return "\(uuid)"
        case let bool as Bool: return "\(bool)"
        case let number as any BinaryInteger: return "\(number)"
        case let number as Double: return "\(number)"
        default: return nil
        }
    }
}
