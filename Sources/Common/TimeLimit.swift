/// Waits for work that cannot be cancelled, but only so long: for a stop that must not hang on
/// a peer that never answers (a flush to a broker nobody can reach).
public enum TimeLimit {
    /// Runs `work` and returns its result, or nil when `limit` passes first; the work then goes
    /// on unattended until it ends by itself. Errors of the work are thrown.
    public static func wait<Value: Sendable>(
        _ limit: Duration,
        for work: @escaping @Sendable () async throws -> Value
    ) async throws -> Value? {
        let (outcomes, continuation) = AsyncStream<Result<Value, any Error>?>.makeStream()
        Task {
            do {
                continuation.yield(.success(try await work()))
            } catch {
                continuation.yield(.failure(error))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            continuation.yield(nil)
        }
        defer { timer.cancel() }
        for await outcome in outcomes {
            return try outcome?.get()
        }
        return nil
    }
}
