import Common
import Testing

@testable import Dashboard

@Suite("Lab files")
struct LabTests {
    static let file = """
        id = "first-steps"
        title = "First steps"
        summary = "Connect and produce."

        [[step]]
        id = "connect"
        title = "Connect as {name}"
        goal = "connect"
        hint = "bootstrap.servers = {bootstrap}"

        [[step]]
        id = "produce"
        title = "Produce"
        goal = "produce"
        topic = "students.{name}"
        count = 10
        valid_orders = true

        [[step]]
        id = "six"
        title = "Six partitions"
        goal = "topic"
        topic = "students.{name}.six"
        partitions = 6
        config = { "cleanup.policy" = "compact", "min.compaction.lag.ms" = 0 }

        [[step]]
        id = "keyed"
        title = "Keys"
        goal = "keys"
        topic = "students.{name}.six"
        count = 10

        [[step]]
        id = "top"
        title = "Top"
        goal = "top-product"
        span = "15m"
        by = "units"

        [[step]]
        id = "pair"
        title = "Pair"
        goal = "rebalance"
        group = "g-{name}-pair"

        [[step]]
        id = "bad"
        title = "A bad order"
        goal = "dead-letter"
        """

    @Test func aLabFileGivesItsStepsAndGoals() throws {
        let lab = try Lab(toml: Self.file)
        #expect(lab.id == "first-steps" && lab.title == "First steps" && lab.summary == "Connect and produce.")
        #expect(lab.steps.map(\.id) == ["connect", "produce", "six", "keyed", "top", "pair", "bad"])
        #expect(lab.steps[3].goal.for(student: "bo") == .keys(topic: "students.bo.six", count: 10))
        #expect(lab.steps[4].goal == .topProduct(span: .last15Minutes, metric: .units))
        #expect(lab.steps[0].goal == .connect && lab.steps[0].hint == "bootstrap.servers = {bootstrap}")
        #expect(lab.steps[1].goal == .produce(topic: "students.{name}", count: 10, validOrders: true))
        #expect(
            lab.steps[2].goal
                == .topic(
                    topic: "students.{name}.six",
                    partitions: 6,
                    configs: ["cleanup.policy": "compact", "min.compaction.lag.ms": "0"]
                )
        )
        #expect(lab.steps[5].goal == .rebalance(group: "g-{name}-pair", members: 2))
        #expect(lab.steps[5].goal.for(student: "alice") == .rebalance(group: "g-alice-pair", members: 2))
        #expect(lab.steps[6].goal.for(student: "bo") == .deadLetter(topic: "orders.dlq", key: "bo"))
        #expect(lab.source == Self.file)
    }

    @Test func mistakesAreNamedWithTheirStep() {
        func error(_ text: String) -> String {
            do {
                _ = try Lab(toml: text)
                return "accepted"
            } catch {
                return error.description
            }
        }
        let head = "id = \"x\"\ntitle = \"X\"\n"
        #expect(error(head).contains("the lab has no steps"))
        #expect(
            error("title = \"X\"\n[[step]]\nid = \"a\"\ntitle = \"A\"\ngoal = \"connect\"\n") == "\"id\" is missing"
        )
        #expect(error("id = \"a b\"\ntitle = \"X\"\n").contains("id must be letters"))
        #expect(
            error(head + "[[step]]\nid = \"a\"\ntitle = \"A\"\ngoal = \"fly\"\n").hasPrefix(
                "step a: there is no goal \"fly\""
            )
        )
        #expect(
            error(head + "[[step]]\nid = \"a\"\ntitle = \"A\"\ngoal = \"connect\"\ntopic = \"t\"\n")
                .hasPrefix("step a: unknown key \"topic\"")
        )
        #expect(
            error(head + "[[step]]\nid = \"a\"\ntitle = \"A\"\ngoal = \"produce\"\ntopic = \"t\"\ncount = 0\n")
                == "step a: \"count\" must be a whole number from 1 to 1000000"
        )
        #expect(
            error(head + "[[step]]\nid = \"a\"\ntitle = \"A\"\ngoal = \"top-product\"\nspan = \"2m\"\n")
                == "step a: \"span\" must be all, 5m, 15m or 60m"
        )
        let twice = "[[step]]\nid = \"a\"\ntitle = \"A\"\ngoal = \"connect\"\n"
        #expect(error(head + twice + twice) == "step a: two steps have this id; each step needs its own")
        #expect(error("id = \"x\"\ntitle = \"unclosed\n").hasPrefix("line 2:"))
        #expect(error(head + "colour = \"red\"\n").hasPrefix("unknown key \"colour\""))
    }

    @Test func theShippedLabsRead() throws {
        let directory = #filePath.split(separator: "/").dropLast(4).joined(separator: "/")
        for (file, steps) in [("first-steps", 11), ("analytics", 7)] {
            let path = "/\(directory)/examples/labs/\(file).toml"
            let lab = try Lab(toml: String(decoding: try FileBytes.read(atPath: path), as: UTF8.self))
            #expect(lab.steps.count == steps)
        }
    }
}
