/// The web dashboard on port 5005: HTTP API, WebSocket push, page, broker console, /metrics.
/// Built in its own issue; nothing is here yet.
public enum Dashboard {}
