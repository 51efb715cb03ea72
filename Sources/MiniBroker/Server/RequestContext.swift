import KafkaWire

/// What a handler knows about the request beyond its body: who sent it and how to answer.
struct RequestContext: Sendable {
    var apiKey: ApiKey
    var apiVersion: Int16
    var correlationID: Int32
    var clientID: String?
    /// Address of the client, for group member descriptions.
    var clientHost: String
    /// The listener the request came in on: its advertised address is the one to answer with.
    var listener: KafkaListener? = nil
    /// Who the connection acts as.
    var principal: KafkaPrincipal = .anonymous
    /// The connection's entry in `LiveConnections`.
    var connectionID: Int? = nil
    /// The connection's counters: where it fetches, which groups it joined.
    var traffic: ConnectionTraffic? = nil
}

extension RequestContext {
    /// The host clients of this request's listener are told to connect to.
    func advertisedHost(_ configuration: BrokerConfiguration) -> String {
        listener?.advertisedHost ?? configuration.advertisedHost
    }

    /// The port clients of this request's listener are told to connect to.
    func advertisedPort(_ configuration: BrokerConfiguration) -> Int32 {
        Int32(listener?.advertisedPort ?? configuration.advertisedPort)
    }
}
