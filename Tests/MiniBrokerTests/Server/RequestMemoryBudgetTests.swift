import Synchronization
import Testing

@testable import MiniBroker

@Suite("Request memory budget: reservations, the waiting line, release")
struct RequestMemoryBudgetTests {
    /// Records which waiters were granted, in order.
    final class Grants: Sendable {
        let order = Mutex<[String]>([])
        func callback(_ name: String) -> @Sendable () -> Void {
            { self.order.withLock { $0.append(name) } }
        }
        var names: [String] { order.withLock { $0 } }
    }

    @Test func reservesWhileTheBytesFitThenQueues() {
        let budget = RequestMemoryBudget(limit: 100)
        let grants = Grants()
        #expect(isGranted(budget.reserve(60, onGrant: grants.callback("a"))))
        #expect(isGranted(budget.reserve(40, onGrant: grants.callback("b"))))
        #expect(!isGranted(budget.reserve(1, onGrant: grants.callback("c"))))
        #expect(budget.reservedBytes == 100)
        #expect(budget.waitingCount == 1)
        #expect(grants.names.isEmpty)
    }

    @Test func releasingGrantsWaitersInTheirOrderAsFarAsTheyFit() {
        let budget = RequestMemoryBudget(limit: 100)
        let grants = Grants()
        _ = budget.reserve(100, onGrant: grants.callback("first"))
        _ = budget.reserve(50, onGrant: grants.callback("a"))
        _ = budget.reserve(40, onGrant: grants.callback("b"))
        _ = budget.reserve(30, onGrant: grants.callback("c"))
        budget.release(100)
        #expect(grants.names == ["a", "b"])
        #expect(budget.reservedBytes == 90)
        budget.release(50)
        #expect(grants.names == ["a", "b", "c"])
        #expect(budget.reservedBytes == 70)
        #expect(budget.waitingCount == 0)
    }

    @Test func aSmallRequestDoesNotOvertakeALargeOneWaiting() {
        let budget = RequestMemoryBudget(limit: 100)
        let grants = Grants()
        _ = budget.reserve(60, onGrant: grants.callback("holder"))
        _ = budget.reserve(80, onGrant: grants.callback("large"))
        // 10 bytes would fit, but the large request came first: it would starve otherwise.
        #expect(!isGranted(budget.reserve(10, onGrant: grants.callback("small"))))
        budget.release(60)
        #expect(grants.names == ["large", "small"])
    }

    @Test func aRequestLargerThanTheBudgetIsReceivedAlone() {
        let budget = RequestMemoryBudget(limit: 100)
        let grants = Grants()
        _ = budget.reserve(10, onGrant: grants.callback("small"))
        #expect(!isGranted(budget.reserve(500, onGrant: grants.callback("huge"))))
        budget.release(10)
        #expect(grants.names == ["huge"])
        #expect(budget.reservedBytes == 500)
        budget.release(500)
        #expect(budget.reservedBytes == 0)
        #expect(isGranted(budget.reserve(500, onGrant: grants.callback("huge again"))))
    }

    @Test func aCancelledWaiterLeavesTheLineAndNoLongerHoldsOthersBack() {
        let budget = RequestMemoryBudget(limit: 100)
        let grants = Grants()
        _ = budget.reserve(50, onGrant: grants.callback("holder"))
        guard case .waiting(let large) = budget.reserve(80, onGrant: grants.callback("large")) else {
            Issue.record("80 bytes should not fit next to 50")
            return
        }
        _ = budget.reserve(30, onGrant: grants.callback("small"))
        #expect(budget.cancel(large))
        #expect(grants.names == ["small"])
        #expect(budget.reservedBytes == 80)
        #expect(!budget.cancel(large))
    }

    @Test func cancellingAfterTheGrantTellsTheCallerToReleaseInstead() {
        let budget = RequestMemoryBudget(limit: 100)
        let grants = Grants()
        _ = budget.reserve(100, onGrant: grants.callback("holder"))
        guard case .waiting(let ticket) = budget.reserve(20, onGrant: grants.callback("waiter")) else {
            Issue.record("nothing fits next to 100")
            return
        }
        budget.release(100)
        #expect(grants.names == ["waiter"])
        #expect(!budget.cancel(ticket))
        #expect(budget.reservedBytes == 20)
    }

    private func isGranted(_ reservation: RequestMemoryBudget.Reservation) -> Bool {
        if case .granted = reservation { return true }
        return false
    }
}
