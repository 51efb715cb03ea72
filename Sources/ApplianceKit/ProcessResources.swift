import Dashboard
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The process's CPU, memory and disk use, from `/proc/self/stat`, `/proc/self/statm` and
/// the data directory (`DiskUsage`). CPU is measured between two calls (at least a second apart, else the
/// previous figure is kept); the data directory's size is walked at most every 10 s.
public final class ProcessResources: Sendable {
    private struct State {
        var cpuTicks: Int64 = 0
        var cpuAtMicros: Int64 = 0
        var cpuPercent = 0.0
        var dataBytes: Int64 = 0
        var dataAtMicros: Int64?
    }

    private let dataDirectory: String
    private let state = Mutex(State())

    /// Resources of this process, with the data directory at `dataDirectory`.
    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    /// The current figures (CPU over the time since the last call at least 1 s before).
    public func usage() -> ResourceUsage {
        let now = Self.monotonicMicros()
        let ticks = Self.cpuTicks()
        let walkData = state.withLock { $0.dataAtMicros.map { now - $0 >= 10_000_000 } ?? true }
        let walked = walkData ? DiskUsage.bytes(under: dataDirectory) : nil
        let (cpu, data) = state.withLock { state -> (Double, Int64) in
            let elapsed = now - state.cpuAtMicros
            if let ticks, elapsed >= 1_000_000 {
                if state.cpuAtMicros > 0 {
                    let seconds = Double(ticks - state.cpuTicks) / Double(sysconf(Int32(_SC_CLK_TCK)))
                    state.cpuPercent = seconds * 1e8 / Double(elapsed)
                }
                state.cpuTicks = ticks
                state.cpuAtMicros = now
            }
            if let walked {
                state.dataBytes = walked
                state.dataAtMicros = now
            }
            return (state.cpuPercent, state.dataBytes)
        }
        return ResourceUsage(
            cpuPercent: cpu,
            residentBytes: Self.residentBytes(),
            dataBytes: data,
            diskFreeBytes: DiskUsage.freeBytes(at: dataDirectory)
        )
    }

    /// utime + stime of /proc/self/stat (fields 14 and 15, counted after the command name,
    /// which may itself hold spaces and parentheses).
    private static func cpuTicks() -> Int64? {
        guard let text = readSmallFile("/proc/self/stat"), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After ")": field 3 is at index 0, so fields 14 and 15 are at 11 and 12.
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return nil }
        return user + system
    }

    /// The second field of /proc/self/statm (resident pages) in bytes.
    private static func residentBytes() -> Int64 {
        guard let text = readSmallFile("/proc/self/statm") else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int64(fields[1]) else { return 0 }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }

    private static func readSmallFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = read(descriptor, &bytes, bytes.count)
        return count > 0 ? String(decoding: bytes[0..<count], as: UTF8.self) : nil
    }

    private static func monotonicMicros() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000
    }
}
