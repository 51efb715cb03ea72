/// What a flash sale applies to.
public enum ScenarioTarget: Sendable, Hashable {
    /// One product, by id (`PROD-001`).
    case product(String)
    /// Every product of a category (`Home & Garden`).
    case category(String)
}
