/// Writes metric families in the Prometheus text exposition format 0.0.4: `# HELP` and
/// `# TYPE` lines, then one `name{label="value"} number` line per sample. Written by hand
/// from the figures the components already keep: the format is small, and swift-metrics'
/// global registry would add a second copy of every figure.
struct PrometheusText {
    /// The content type of the answer.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private(set) var text = ""

    mutating func append(_ family: MetricFamily) {
        text += "# HELP \(family.name) \(Self.escapeHelp(family.help))\n"
        text += "# TYPE \(family.name) \(family.kind.rawValue)\n"
        for sample in family.samples {
            text += family.name
            if !sample.labels.isEmpty {
                text +=
                    "{" + sample.labels.map { "\($0.name)=\"\(Self.escapeLabel($0.value))\"" }.joined(separator: ",")
                    + "}"
            }
            text += " " + Self.number(sample.value) + "\n"
        }
    }

    /// Integers without a fraction, others as Swift prints them; NaN and infinities as
    /// the format spells them.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    private static func escapeHelp(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    private static func escapeLabel(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\"": result += "\\\""
            default: result.append(character)
            }
        }
        return result
    }
}
