import ApplianceKit
import ArgumentParser
import Common
import KafkaWire

/// `aseed transactions`: the transactions the cluster's coordinators know, so a class can
/// watch one stay open and the coordinator abort it once it outlives its timeout.
struct TransactionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transactions",
        abstract: "List transactions: id, state, producer, partitions, age and timeout.",
        discussion: """
            Open transactions (Ongoing, PrepareCommit, PrepareAbort) come first, the oldest first. AGE is how long \
            an open one has run; once it passes TIMEOUT the coordinator aborts it. Read over the Kafka protocol \
            (ListTransactions, DescribeTransactions), so it works against any cluster that serves them.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    func run() async throws {
        let transactions = try await cluster.withAdmin { try await $0.transactions() }
        guard !transactions.isEmpty else {
            print("No transactions: a producer with transactional.id set starts one.")
            return
        }
        print(Self.table(transactions, nowMs: WallClock.nowMilliseconds()).text)
    }

    /// One row per transaction; every cell is one word, so the table splits on blanks.
    static func table(_ transactions: [TransactionDescription], nowMs: Int64) -> TextTable {
        var table = TextTable("TRANSACTIONAL-ID", "STATE", "PRODUCER", "EPOCH", "PARTITIONS", "AGE", "TIMEOUT")
        for transaction in transactions {
            table.add([
                transaction.transactionalID, transaction.state, String(transaction.producerID),
                String(transaction.producerEpoch),
                transaction.partitions.isEmpty ? "-" : transaction.partitions.map(\.description).joined(separator: ","),
                transaction.ageMs(nowMs: nowMs).map(duration) ?? "-", duration(Int64(transaction.timeoutMs)),
            ])
        }
        return table
    }

    /// Milliseconds as "850ms", "12.3s", "4m10s" or "1h02m".
    static func duration(_ milliseconds: Int64) -> String {
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if milliseconds < 60_000 {
            let tenths = milliseconds / 100
            return "\(tenths / 10).\(tenths % 10)s"
        }
        let seconds = milliseconds / 1000
        if seconds < 3600 { return "\(seconds / 60)m" + twoDigits(seconds % 60) + "s" }
        return "\(seconds / 3600)h" + twoDigits(seconds % 3600 / 60) + "m"
    }

    private static func twoDigits(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
