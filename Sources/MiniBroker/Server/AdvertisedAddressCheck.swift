import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Whether the address a listener advertises leads back to this broker, as far as this machine
/// can tell: its host must resolve here to one of this machine's addresses, and its port be the
/// one the listener binds. An address that fails may still be right (a NAT or a proxy in
/// front), so the console only names it when a client also behaves as if it could not connect.
enum AdvertisedAddressCheck {
    /// Nil when `listener`'s advertised address leads here; otherwise why not.
    static func problem(of listener: KafkaListener) -> String? {
        let host = listener.advertisedHost
        if listener.port != 0 && listener.advertisedPort != listener.port {
            return "its port \(listener.advertisedPort) is not the port the listener binds (\(listener.port))"
        }
        let resolved = resolve(host)
        guard !resolved.isEmpty else { return "'\(host)' does not resolve to any address on this machine" }
        let local = localAddresses()
        guard resolved.contains(where: local.contains) else {
            let addresses = resolved.sorted().joined(separator: ", ")
            return "'\(host)' resolves to \(addresses), which is not an address of this machine"
        }
        return nil
    }

    /// The IP addresses `host` resolves to here (an IP literal resolves to itself).
    static func resolve(_ host: String) -> Set<String> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: Set<String> = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let address = current.pointee.ai_addr,
                let socketAddress = try? SocketAddress(address, length: current.pointee.ai_addrlen),
                let ip = socketAddress.ipAddress
            {
                addresses.insert(ip)
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }

    /// This machine's interface addresses, loopback included.
    static func localAddresses() -> Set<String> {
        var addresses: Set<String> = ["127.0.0.1", "::1"]
        for device in (try? System.enumerateDevices()) ?? [] {
            if let ip = device.address?.ipAddress { addresses.insert(ip) }
        }
        return addresses
    }
}

extension SocketAddress {
    /// The address a `sockaddr` of `length` bytes holds.
    fileprivate init(_ address: UnsafeMutablePointer<sockaddr>, length: socklen_t) throws {
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            let ipv4 = UnsafeRawPointer(address).load(as: sockaddr_in.self)
            self.init(ipv4, host: "")
        case AF_INET6:
            let ipv6 = UnsafeRawPointer(address).load(as: sockaddr_in6.self)
            self.init(ipv6, host: "")
        default:
            throw SocketAddressError.unsupported
        }
    }
}
