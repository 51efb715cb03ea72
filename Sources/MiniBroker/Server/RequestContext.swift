import KafkaWire

/// What a handler knows about the request beyond its body: who sent it and how to answer.
struct RequestContext: Sendable {
    var apiKey: ApiKey
    var apiVersion: Int16
    var correlationId: Int32
    var clientId: String?
    /// Address of the client, for group member descriptions.
    var clientHost: String
}
