#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client for the operator commands that talk to a running appliance's
/// dashboard (`aseed status`, `aseed restart`): one request per connection, blocking, with a
/// timeout. Not a general client: enough for small JSON answers on a local or trusted network.
public struct ApplianceHTTPClient {
    /// An answer: its status code and its body (dechunked).
    public struct Response {
        /// The HTTP status code.
        public var status: Int
        /// The body's bytes.
        public var body: [UInt8]
    }

    /// The dashboard's host name or address.
    public let host: String
    /// The dashboard's port.
    public let port: Int
    /// How long a connect, a send or a read may wait.
    public var timeoutSeconds = 5

    /// A client of the dashboard at `host:port`.
    public init(host: String, port: Int, timeoutSeconds: Int = 5) {
        self.host = host
        self.port = port
        self.timeoutSeconds = timeoutSeconds
    }

    /// Sends a request and reads the whole answer.
    ///
    /// - Throws: `OperatorError` when nothing answers or the answer is not HTTP.
    public func send(
        _ method: String,
        _ path: String,
        headers: [String: String] = [:],
        body: [UInt8] = []
    ) throws -> Response {
        let socket = try connect()
        defer { close(socket) }
        var request = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
        request += "Connection: close\r\nAccept: application/json\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        request += "Content-Length: \(body.count)\r\n\r\n"
        try writeAll(socket, Array(request.utf8) + body)
        return try parse(readAll(socket))
    }

    private func connect() throws -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            throw OperatorError("cannot resolve \(host)")
        }
        defer { freeaddrinfo(results) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            let info = address.pointee
            let socket = Glibc.socket(info.ai_family, info.ai_socktype, info.ai_protocol)
            if socket >= 0 {
                var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
                setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                if Glibc.connect(socket, info.ai_addr, info.ai_addrlen) == 0 { return socket }
                close(socket)
            }
            entry = address.pointee.ai_next
        }
        throw OperatorError("nothing answers at \(host):\(port) (\(String(cString: strerror(errno))))")
    }

    private func writeAll(_ socket: Int32, _ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else {
                throw OperatorError("\(host):\(port) closed the connection while the request was sent")
            }
            sent += count
        }
    }

    private func readAll(_ socket: Int32) throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count == 0 { return result }
            guard count > 0 else { throw OperatorError("\(host):\(port) did not answer within \(timeoutSeconds) s") }
            result.append(contentsOf: buffer[0..<count])
        }
    }

    private func parse(_ bytes: [UInt8]) throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        let headEnd = (0..<max(0, bytes.count - 3)).first { bytes[$0..<($0 + 4)].elementsEqual(separator) }
        guard let end = headEnd else {
            throw OperatorError("\(host):\(port) answered something that is not HTTP")
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw OperatorError("\(host):\(port) answered something that is not HTTP")
        }
        var body = Array(bytes[(end + 4)...])
        let chunked = lines.dropFirst().contains {
            $0.lowercased().hasPrefix("transfer-encoding:") && $0.lowercased().contains("chunked")
        }
        if chunked { body = Self.dechunk(body) }
        return Response(status: status, body: body)
    }

    /// The payload of a chunked body (sizes in hex, each chunk followed by CRLF, 0 ends it).
    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let sizeEnd = (index..<max(index, bytes.count - 1)).first { bytes[$0] == 13 && bytes[$0 + 1] == 10 }
            guard let lineEnd = sizeEnd else { break }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingSpaces, radix: 16), size > 0 else { break }
            let start = lineEnd + 2
            guard start + size <= bytes.count else { break }
            result.append(contentsOf: bytes[start..<(start + size)])
            index = start + size + 2
        }
        return result
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
