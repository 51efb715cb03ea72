import KafkaWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PartitionLog {
    /// Everything mutable about a partition log, guarded by its lock.
    struct State {
        /// Ordered by base offset; never empty. The last one is the active segment.
        var segments: [LogSegment]
        var producers: ProducerStateTable
        /// Kept on disk too: changed only together with its file (`AbortedTransactions+File`).
        var abortedTransactions = AbortedTransactions()
        var recoveryPoint: Int64
        /// The first offset clients may read: the first segment's base offset, or higher
        /// once DeleteRecords moved it into that segment.
        var logStartOffset: Int64
        var isOpen = true

        var active: LogSegment { segments[segments.count - 1] }
        var logEndOffset: Int64 { active.nextOffset }

        /// The first offset of the oldest open transaction, else the log end offset (this
        /// broker's high watermark); never below the log start, as in Kafka: retention or
        /// DeleteRecords may pass the first batch of a transaction still open.
        var lastStableOffset: Int64 {
            guard let first = producers.firstOpenTransactionOffset else { return logEndOffset }
            return min(max(first, logStartOffset), logEndOffset)
        }

        func checkOpen(_ topicPartition: KafkaTopicPartition) throws {
            guard isOpen else { throw StorageError(.fileSystem, "\(topicPartition): the log is closed") }
        }

        /// Index of the last segment whose base offset is <= `offset` (binary search).
        /// The segment, file position and size of the batch containing `offset`; nil at the
        /// log end (or when the offset falls in a gap at the end).
        func batch(
            containing offset: Int64,
            in topicPartition: KafkaTopicPartition
        ) throws -> (segment: LogSegment, position: Int, size: Int)? {
            try checkOpen(topicPartition)
            guard offset >= logStartOffset, offset <= logEndOffset else {
                throw StorageError(
                    .offsetOutOfRange,
                    "\(topicPartition): offset \(offset) is outside [\(logStartOffset), \(logEndOffset)]"
                )
            }
            var index = segmentIndex(containing: offset)
            while offset < logEndOffset, index < segments.count {
                if let (position, header) = try segments[index].locate(offset: offset) {
                    return (segments[index], position, header.totalSize)
                }
                index += 1  // the offset falls in a gap after this segment's last batch
            }
            return nil
        }

        func segmentIndex(containing offset: Int64) -> Int {
            var low = 0
            var high = segments.count
            while low < high {
                let middle = (low + high) / 2
                if segments[middle].baseOffset > offset { high = middle } else { low = middle + 1 }
            }
            return max(0, low - 1)
        }

        func checkpoint() -> PartitionCheckpoint {
            PartitionCheckpoint(
                recoveryPoint: recoveryPoint,
                producerSnapshotOffset: logEndOffset,
                producerSnapshot: producers.encoded()
            )
        }
    }

    /// Wall-clock milliseconds since the epoch, as Kafka timestamps are.
    public static func currentTimeMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
