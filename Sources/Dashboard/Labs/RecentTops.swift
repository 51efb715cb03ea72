import Analyzer

/// The products the analyzer ranked first over the last minute, for the rankings a lab asks
/// about. A student reads the orders, computes, and posts a moment later; meanwhile the
/// ranking may move, so an answer counts when it named the first product at any time of that
/// minute (with ties, each product tied first).
struct RecentTops {
    static let keptMillis: Int64 = 60_000

    private struct Leaders {
        var atMillis: Int64
        var span: AnalyticsSnapshot.TopSpan
        var metric: TopMetric
        var products: [(id: String, name: String)]
    }

    private var seen: [Leaders] = []

    /// Notes the first products of `snapshot`'s rankings that `lab`'s questions are about.
    mutating func note(_ snapshot: AnalyticsSnapshot, for lab: Lab, at nowMillis: Int64) {
        seen.removeAll { $0.atMillis < nowMillis - Self.keptMillis }
        for step in lab.steps {
            guard case .topProduct(let span, let metric) = step.goal,
                let ranking = snapshot.topProducts.first(where: { $0.span == span }),
                let first = metric.rows(of: ranking).first
            else { continue }
            let tied = metric.rows(of: ranking).prefix { metric.value(of: $0) == metric.value(of: first) }
            seen.append(
                Leaders(
                    atMillis: nowMillis,
                    span: span,
                    metric: metric,
                    products: tied.map { ($0.productID, $0.productName) }
                )
            )
        }
    }

    /// Whether `text` names a product ranked first over `span` by `metric` in the last minute.
    func verdict(
        on text: String,
        span: AnalyticsSnapshot.TopSpan,
        metric: TopMetric,
        at nowMillis: Int64
    )
        -> LabAnswerVerdict
    {
        let answer = text.trimmingWhitespace().lowercased()
        let question = "over \(Self.phrase(span)) by \(metric.rawValue)"
        guard !answer.isEmpty else {
            return LabAnswerVerdict(correct: false, message: "the answer is empty: post the product's id")
        }
        let leaders = seen.filter {
            $0.span == span && $0.metric == metric && $0.atMillis >= nowMillis - Self.keptMillis
        }.flatMap(\.products)
        guard !leaders.isEmpty else {
            return LabAnswerVerdict(
                correct: false,
                message: "the analyzer has no ranking \(question) yet: try again once orders come in"
            )
        }
        guard let product = leaders.first(where: { $0.id.lowercased() == answer || $0.name.lowercased() == answer })
        else {
            return LabAnswerVerdict(
                correct: false,
                message: """
                    '\(text)' is not the product the analyzer ranks first \(question): check the time \
                    window (event time, the orders' own timestamps) and what you add up
                    """
            )
        }
        return LabAnswerVerdict(correct: true, message: "right: \(product.id) (\(product.name)) is first \(question)")
    }

    static func phrase(_ span: AnalyticsSnapshot.TopSpan) -> String {
        span.minutes.map { "the last \($0) minutes" } ?? "all time"
    }
}

/// Whether an answer was right, and a sentence for the student.
public struct LabAnswerVerdict: Sendable, Equatable {
    public var correct: Bool
    public var message: String
}

extension String {
    /// The text without blanks at either end.
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
