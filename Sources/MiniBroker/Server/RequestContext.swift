import KafkaWire

/// What a handler knows about the request beyond its body: who sent it and how to answer.
struct RequestContext: Sendable {
    var apiKey: ApiKey
    var apiVersion: Int16
    var correlationID: Int32
    var clientID: String?
    /// Address of the client, for group member descriptions.
    var clientHost: String
}
