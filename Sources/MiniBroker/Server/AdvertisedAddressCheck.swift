import NIOCore
import NIOPosix

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
        // The address a client tries first, as getaddrinfo orders them.
        let first = try? SocketAddress.makeAddressResolvingHost(host, port: listener.advertisedPort)
        guard let resolved = first?.ipAddress else {
            return "'\(host)' does not resolve to any address on this machine"
        }
        guard localAddresses().contains(resolved) else {
            return "'\(host)' resolves to \(resolved), which is not an address of this machine"
        }
        return nil
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
