import Analyzer
import Common

/// A lab: steps a class works through, each a goal the appliance checks for every student
/// from what its broker sees (`LabChecker`). Written as a TOML file (examples/labs/, the
/// format is in Sources/Dashboard/README.md).
public struct Lab: Sendable, Equatable {
    /// Names the lab in progress files and archives: letters, digits and `-`.
    public var id: String
    public var title: String
    /// A paragraph for the scoreboard and the students' page.
    public var summary: String
    public var steps: [LabStep]
    /// The file the lab was read from, kept with its progress so a restart reads the same lab.
    public var source: String

    static let fileKeys: Set<String> = ["id", "title", "summary", "step"]
    static let stepKeys: Set<String> = ["id", "title", "hint", "goal"]

    /// Reads a lab file.
    ///
    /// - Throws: `LabFileError` naming the line, step or key to change.
    public init(toml source: String) throws(LabFileError) {
        let document: [String: TOMLValue]
        do {
            document = try TOMLDocument.parse(source)
        } catch {
            throw LabFileError(error.description)
        }
        try Self.refuseUnknown(document.keys, allowed: Self.fileKeys, step: nil)
        id = try Self.text(document, "id", step: nil)
        guard !id.isEmpty, id.unicodeScalars.allSatisfy(Self.isIDCharacter) else {
            throw LabFileError("id must be letters, digits and '-', like \"first-steps\"; got \"\(id)\"")
        }
        title = try Self.text(document, "title", step: nil)
        summary = try Self.text(document, "summary", step: nil, default: "")
        guard let tables = document["step"]?.array, !tables.isEmpty else {
            throw LabFileError("the lab has no steps: add [[step]] tables, each with an id, a title and a goal")
        }
        var steps: [LabStep] = []
        for (index, value) in tables.enumerated() {
            let step = try Self.step(value.table ?? [:], position: index + 1)
            if steps.contains(where: { $0.id == step.id }) {
                throw LabFileError(step: step.id, "two steps have this id; each step needs its own")
            }
            steps.append(step)
        }
        self.steps = steps
        self.source = source
    }

    /// The step with `id`, if the lab has one.
    public func step(_ id: String) -> LabStep? { steps.first { $0.id == id } }

    private static func step(_ table: [String: TOMLValue], position: Int) throws(LabFileError) -> LabStep {
        let name = table["id"]?.string ?? "\(position)"
        let id = try text(table, "id", step: name)
        guard !id.isEmpty, id.unicodeScalars.allSatisfy(isIDCharacter) else {
            throw LabFileError(step: name, "id must be letters, digits and '-'")
        }
        let kind = try text(table, "goal", step: id)
        guard let keys = LabGoal.kinds[kind] else {
            let known = LabGoal.kinds.keys.sorted().joined(separator: ", ")
            throw LabFileError(step: id, "there is no goal \"\(kind)\"; the goals are \(known)")
        }
        try refuseUnknown(table.keys, allowed: stepKeys.union(keys), step: id)
        return LabStep(
            id: id,
            title: try text(table, "title", step: id),
            hint: try text(table, "hint", step: id, default: ""),
            goal: try goal(kind, table, step: id)
        )
    }

    private static func goal(_ kind: String, _ table: [String: TOMLValue], step: String) throws(LabFileError) -> LabGoal
    {
        switch kind {
        case "produce":
            return .produce(
                topic: try text(table, "topic", step: step),
                count: try number(table, "count", step: step, default: 1),
                validOrders: try flag(table, "valid_orders", step: step, default: false)
            )
        case "keys":
            return .keys(
                topic: try text(table, "topic", step: step),
                count: try number(table, "count", step: step, default: 1)
            )
        case "dead-letter":
            return .deadLetter(
                topic: try text(table, "topic", step: step, default: "orders.dlq"),
                key: try text(table, "key", step: step, default: "{name}")
            )
        case "late-order":
            return .lateOrder(prefix: try text(table, "prefix", step: step, default: "{name}-"))
        case "top-product":
            let span = try text(table, "span", step: step, default: "5m")
            guard let range = AnalyticsSnapshot.TopSpan(rawValue: span) else {
                throw LabFileError(step: step, "\"span\" must be all, 5m, 15m or 60m")
            }
            let by = try text(table, "by", step: step, default: "orders")
            guard let metric = TopMetric(rawValue: by) else {
                throw LabFileError(step: step, "\"by\" must be orders, units or revenue")
            }
            return .topProduct(span: range, metric: metric)
        case "commit":
            return .commit(group: try text(table, "group", step: step), topic: try text(table, "topic", step: step))
        case "rebalance":
            return .rebalance(
                group: try text(table, "group", step: step),
                members: try number(table, "members", step: step, default: 2)
            )
        case "topic":
            return .topic(
                topic: try text(table, "topic", step: step),
                partitions: try number(table, "partitions", step: step, default: 1),
                configs: try configs(table, step: step)
            )
        case "idempotence": return .idempotence
        case "transaction": return .transaction
        case "read-committed": return .readCommitted
        default: return .connect
        }
    }

    private static func refuseUnknown(
        _ keys: Dictionary<String, TOMLValue>.Keys,
        allowed: Set<String>,
        step: String?
    ) throws(LabFileError) {
        guard let unknown = keys.sorted().first(where: { !allowed.contains($0) }) else { return }
        let names = allowed.sorted().joined(separator: ", ")
        throw LabFileError(step: step, "unknown key \"\(unknown)\"; here the keys are \(names)")
    }

    private static func text(
        _ table: [String: TOMLValue],
        _ key: String,
        step: String?,
        default fallback: String? = nil
    ) throws(LabFileError) -> String {
        guard let value = table[key] else {
            if let fallback { return fallback }
            throw LabFileError(step: step, "\"\(key)\" is missing")
        }
        guard let text = value.string else { throw LabFileError(step: step, "\"\(key)\" must be a string") }
        return text
    }

    private static func number(
        _ table: [String: TOMLValue],
        _ key: String,
        step: String,
        default fallback: Int
    ) throws(LabFileError) -> Int {
        guard let value = table[key] else { return fallback }
        guard let number = value.integer, number >= 1, number <= 1_000_000 else {
            throw LabFileError(step: step, "\"\(key)\" must be a whole number from 1 to 1000000")
        }
        return number
    }

    private static func flag(
        _ table: [String: TOMLValue],
        _ key: String,
        step: String,
        default fallback: Bool
    ) throws(LabFileError) -> Bool {
        guard let value = table[key] else { return fallback }
        guard let flag = value.boolean else { throw LabFileError(step: step, "\"\(key)\" must be true or false") }
        return flag
    }

    private static func configs(_ table: [String: TOMLValue], step: String) throws(LabFileError) -> [String: String] {
        guard let value = table["config"] else { return [:] }
        guard let entries = value.table else {
            throw LabFileError(step: step, "\"config\" must be a table, like { \"cleanup.policy\" = \"compact\" }")
        }
        var configs: [String: String] = [:]
        for (name, entry) in entries {
            if let text = entry.string {
                configs[name] = text
            } else if let number = entry.integer {
                configs[name] = String(number)
            } else if let flag = entry.boolean {
                configs[name] = String(flag)
            } else {
                throw LabFileError(step: step, "config \"\(name)\" must be a string, a number or true/false")
            }
        }
        return configs
    }

    private static func isIDCharacter(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
            || scalar == "-" || scalar == "_"
    }
}
