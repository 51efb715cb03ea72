import ServiceLifecycle

/// A component's service that reports its lifecycle to `ApplianceStatus`: running while
/// `run()` executes, stopped when it returns, failed with the error when it throws.
struct TrackedService: Service {
    let name: String
    let service: any Service
    let status: ApplianceStatus

    func run() async throws {
        status.update(name, to: .running)
        do {
            try await service.run()
            status.update(name, to: .stopped)
        } catch {
            status.update(name, to: .failed, error: "\(error)")
            throw error
        }
    }
}
