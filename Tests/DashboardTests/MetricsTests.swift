import HummingbirdTesting
import Testing

@testable import Dashboard

@Suite("/metrics in the Prometheus text format")
struct MetricsTests {
    struct Fixed: MetricsProvider {
        func metricFamilies() async -> [MetricFamily] {
            [MetricFamily(name: "aseed_simulator_orders_total", help: "Orders made.", kind: .counter, value: 42)]
        }
    }

    @Test func everyLineIsACommentOrASample() async throws {
        let dashboard = TestDashboard()
        dashboard.snapshots.publish(TestSnapshots.make())
        let server = DashboardServer(
            configuration: .init(host: "127.0.0.1", port: 0, adminToken: testToken),
            snapshots: dashboard.snapshots,
            control: FakeControl(),
            metrics: [Fixed()],
            logger: .init(label: "test")
        )
        try await server.makeApplication().test(.router) { client in
            _ = try await client.execute(uri: "/healthz", method: .get)
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let lines = response.text.split(separator: "\n")
            // name, optional {label="value",...}, value
            let sample =
                #/
                ^ [a-zA-Z_:] [a-zA-Z0-9_:]*
                ( \{ [a-zA-Z_] [a-zA-Z0-9_]* = "[^"]*" ( , [a-zA-Z_] [a-zA-Z0-9_]* = "[^"]*" )* \} )?
                \x20 -? [0-9.e+]+ $
                /#
            for line in lines where !line.hasPrefix("#") {
                #expect(line.wholeMatch(of: sample) != nil, "not a sample line: \(line)")
            }
            let text = response.text
            #expect(text.contains("aseed_analyzer_orders_total 15"))
            #expect(text.contains(#"aseed_analyzer_malformed_records_total{reason="invalid-json"} 0"#))
            #expect(text.contains(#"aseed_component_up{component="broker"} 1"#))
            #expect(text.contains(#"aseed_http_requests_total{route="/healthz",method="GET",status="200"} 1"#))
            #expect(text.contains("aseed_simulator_orders_total 42"))
            #expect(text.contains("# TYPE aseed_websocket_clients gauge"))
        }
    }

    @Test func numbersAndEscapes() {
        #expect(PrometheusText.number(3) == "3")
        #expect(PrometheusText.number(2.5) == "2.5")
        #expect(PrometheusText.number(.nan) == "NaN")
        var text = PrometheusText()
        text.append(
            MetricFamily(name: "x", help: "a\nb", kind: .gauge, samples: [.init(labels: [("l", #"q"u\o"#)], value: 1)])
        )
        #expect(text.text == "# HELP x a\\nb\n# TYPE x gauge\nx{l=\"q\\\"u\\\\o\"} 1\n")
    }
}
