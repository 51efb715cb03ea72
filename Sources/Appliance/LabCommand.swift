import ApplianceKit
import ArgumentParser
import Common
import FoundationEssentials

/// `aseed lab`: starts a lab on the running appliance and shows the class's progress, through
/// the dashboard's lab API.
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Start a lab on the running appliance and follow the class's progress.",
        subcommands: [Start.self, Status.self, Results.self]
    )

    /// `aseed lab start FILE`.
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the lab of a lab file (examples/labs/*.toml); the lab running before is archived.",
            discussion: "Needs the admin token, found as `aseed restart` finds it."
        )

        @OptionGroup var options: DashboardClientOptions

        @Argument(help: "The lab file (TOML).")
        var file: String

        func run() async throws {
            let bytes: [UInt8]
            do {
                bytes = try FileBytes.read(atPath: file)
            } catch {
                throw OperatorError("\(error)")
            }
            let response = try options.send("POST", "/api/labs", body: bytes, token: true)
            let answer = try JSONDecoder().decode(LabAnswer.self, from: Data(response.body))
            print("lab '\(answer.lab.id)' started: \(answer.lab.title), \(answer.lab.steps.count) steps")
            for step in answer.lab.steps { print("  \(step.id): \(step.title)") }
        }
    }

    /// `aseed lab status`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every student's steps done in the running lab.")

        @OptionGroup var options: DashboardClientOptions

        func run() async throws {
            let response = try options.send("GET", "/api/labs/current")
            let answer = try JSONDecoder().decode(LabAnswer.self, from: Data(response.body))
            print("lab '\(answer.lab.id)': \(answer.lab.title), \(answer.students.count) students")
            var table = TextTable("STUDENT", "DONE", "STEPS NOT DONE YET")
            for student in answer.students {
                let missing = answer.lab.steps.map(\.id).filter { student.done[$0] == nil }
                table.add([
                    student.name, "\(student.steps_done)/\(answer.lab.steps.count)",
                    missing.isEmpty ? "-" : missing.joined(separator: " "),
                ])
            }
            print(table.text)
        }
    }

    /// `aseed lab results`.
    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The running lab's results as CSV: a row per student, the time each step was done."
        )

        @OptionGroup var options: DashboardClientOptions

        func run() async throws {
            let response = try options.send("GET", "/api/labs/current/results.csv")
            print(String(decoding: response.body, as: UTF8.self), terminator: "")
        }
    }
}

/// The part of `/api/labs/current` the commands show.
struct LabAnswer: Decodable {
    struct Step: Decodable {
        var id: String
        var title: String
    }

    struct Lab: Decodable {
        var id: String
        var title: String
        var steps: [Step]
    }

    struct Student: Decodable {
        var name: String
        var done: [String: String]
        var steps_done: Int
    }

    var lab: Lab
    var students: [Student]
}
