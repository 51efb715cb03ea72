/// The scenarios in force and what they do to weights, prices and the rate, by event time.
struct ScenarioBoard: Sendable {
    struct Active: Sendable {
        var id: ScenarioID
        var scenario: Scenario
        var startMicros: Int64
        var endMicros: Int64
        /// Catalog indices the scenario applies to (flash sale, viral product).
        var products: [Int]
        /// Malformed records sent so far (bursts only).
        var sent = 0
    }

    private(set) var active: [Active] = []
    /// Changes whenever a scenario starts or ends, so the generator knows to rebuild.
    private(set) var version = 0

    /// Whether some weight changes continuously (a viral ramp) and needs periodic rebuilding.
    var isRamping: Bool {
        active.contains { if case .viralProduct = $0.scenario { true } else { false } }
    }

    mutating func start(
        _ scenario: Scenario,
        id: ScenarioID,
        at now: Int64,
        catalog: Catalog
    ) throws(ScenarioError) {
        let products = try Self.resolve(scenario, in: catalog)
        let end = now + Self.micros(scenario.duration)
        active.append(Active(id: id, scenario: scenario, startMicros: now, endMicros: end, products: products))
        version += 1
    }

    mutating func cancel(_ id: ScenarioID) -> Bool {
        guard let index = active.firstIndex(where: { $0.id == id }) else { return false }
        active.remove(at: index)
        version += 1
        return true
    }

    /// Removes scenarios that are over at `now` and returns them. A burst is over only once
    /// all its records are sent.
    mutating func expire(at now: Int64) -> [Active] {
        let ended = active.filter { Self.isOver($0, at: now) }
        guard !ended.isEmpty else { return [] }
        active = active.filter { !Self.isOver($0, at: now) }
        version += 1
        return ended
    }

    private static func isOver(_ entry: Active, at now: Int64) -> Bool {
        if case .malformedBurst(let count, _, _) = entry.scenario {
            return entry.sent >= count && now >= entry.endMicros
        }
        return now >= entry.endMicros
    }

    /// Product weights with flash sales and viral ramps applied.
    func weights(base: [Double], at now: Int64) -> [Double] {
        var weights = base
        for entry in active {
            switch entry.scenario {
            case .flashSale(_, let multiplier, _, _):
                for index in entry.products { weights[index] *= multiplier }
            case .viralProduct(_, let peak, _):
                let span = max(entry.endMicros - entry.startMicros, 1)
                let progress = min(max(Double(now - entry.startMicros) / Double(span), 0), 1)
                for index in entry.products { weights[index] *= 1 + (peak - 1) * progress }
            case .trafficSpike, .malformedBurst:
                break
            }
        }
        return weights
    }

    /// Discount in percent per catalog index (the largest of overlapping sales).
    func discounts(productCount: Int) -> [Int] {
        var discounts = Array(repeating: 0, count: productCount)
        for entry in active {
            guard case .flashSale(_, _, let percent, _) = entry.scenario else { continue }
            for index in entry.products { discounts[index] = max(discounts[index], percent) }
        }
        return discounts
    }

    /// Product of all traffic spikes' multipliers.
    var spikeMultiplier: Double {
        active.reduce(1) { product, entry in
            if case .trafficSpike(let multiplier, _) = entry.scenario { return product * multiplier }
            return product
        }
    }

    /// The malformed records due by `now`, as (kind, variant) pairs, marked as sent.
    mutating func takeMalformedDue(at now: Int64) -> [(kind: MalformedKind, variant: Int)] {
        var due: [(MalformedKind, Int)] = []
        for index in active.indices {
            guard case .malformedBurst(let count, let kinds, _) = active[index].scenario else { continue }
            let entry = active[index]
            let span = entry.endMicros - entry.startMicros
            let target =
                span <= 0
                ? count
                : min(count, Int((Double(count) * Double(now - entry.startMicros) / Double(span)).rounded(.up)))
            while active[index].sent < target {
                let sent = active[index].sent
                due.append((kinds[sent % kinds.count], sent / kinds.count))
                active[index].sent += 1
            }
        }
        return due
    }

    /// Checks a scenario against the catalog and returns the products it applies to.
    static func resolve(_ scenario: Scenario, in catalog: Catalog) throws(ScenarioError) -> [Int] {
        guard scenario.duration >= .zero else { throw ScenarioError("a scenario's duration cannot be negative") }
        switch scenario {
        case .flashSale(let target, let multiplier, let discount, _):
            guard multiplier >= 0, multiplier.isFinite else { throw ScenarioError("rateMultiplier must be >= 0") }
            guard (0...99).contains(discount) else {
                throw ScenarioError("discountPercent must be in 0...99, got \(discount)")
            }
            return try products(of: target, in: catalog)
        case .trafficSpike(let multiplier, _):
            guard multiplier >= 0, multiplier.isFinite else { throw ScenarioError("rateMultiplier must be >= 0") }
            return []
        case .viralProduct(let id, let peak, _):
            guard peak >= 1, peak.isFinite else { throw ScenarioError("peakMultiplier must be >= 1") }
            return try products(of: .product(id), in: catalog)
        case .malformedBurst(let count, let kinds, _):
            guard count >= 1 else { throw ScenarioError("a malformed burst needs a count >= 1") }
            guard !kinds.isEmpty else { throw ScenarioError("a malformed burst needs at least one kind") }
            return []
        }
    }

    private static func products(of target: ScenarioTarget, in catalog: Catalog) throws(ScenarioError) -> [Int] {
        switch target {
        case .product(let id):
            guard let index = catalog.index(ofProduct: id) else {
                throw ScenarioError(
                    """
                    unknown product '\(id)'; the catalog has \(catalog.products.first!.id) ... \
                    \(catalog.products.last!.id)
                    """
                )
            }
            return [index]
        case .category(let name):
            let indices = catalog.indices(inCategory: name)
            guard !indices.isEmpty else {
                throw ScenarioError(
                    "unknown category '\(name)'; expected one of \(catalog.categories.joined(separator: ", "))"
                )
            }
            return indices
        }
    }

    static func micros(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
