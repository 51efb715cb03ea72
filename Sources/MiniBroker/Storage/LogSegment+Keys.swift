import KafkaWire

extension LogSegment {
    /// Adds the keys of the batch just appended at `position` to the segment's key file
    /// (`SegmentKeys`), which is started with the segment's first batch. Never throws: a key
    /// file that cannot be written is removed, and the cleaner decodes the segment instead.
    func appendKeys(_ keys: BatchKeys, header: RecordBatchHeader, position: Int) {
        guard !keysAbandoned else { return }
        do {
            if keysFile == nil {
                // A file started mid-segment could never describe the whole segment.
                guard position == 0 else {
                    keysAbandoned = true
                    return
                }
                let file = try SegmentFile(path: Self.path(directory, baseOffset, SegmentKeys.suffix))
                try file.truncate(to: 0)
                keysFile = file
                keysSize = 0
            }
            let entry = SegmentKeys.entry(for: keys, header: header, position: position)
            try keysFile?.write(entry, at: keysSize)
            keysSize += entry.readableBytes
        } catch {
            finishKeys()
            keysAbandoned = true
            Self.removeKeyFile(directory, baseOffset)
        }
    }

    /// Stops writing the key file (the segment rolled or closed); the file stays.
    func finishKeys() {
        keysFile?.close()
        keysFile = nil
        keysAbandoned = true
    }

    /// Removes the key file of the segment at `baseOffset`, if any: recovery cut the segment,
    /// the cleaner replaces it, or the file disagreed with the log.
    static func removeKeyFile(_ directory: String, _ baseOffset: Int64) {
        try? FileSystem.removeFile(path(directory, baseOffset, SegmentKeys.suffix))
    }
}
