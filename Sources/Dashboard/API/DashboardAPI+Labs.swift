import Common
import Hummingbird
import NIOCore

/// The class's lab: started with the admin token from a lab file, read by the scoreboard, by
/// each student's page and as a CSV at the end of a class.
extension DashboardAPI {
    static let noLab = "no lab runs: start one with `aseed lab start FILE` or POST /api/labs"

    func labRoutes() -> [(Route, Handler)] {
        [
            (
                Route(
                    method: .post,
                    path: "/api/labs",
                    summary: "Start a lab: the body is a lab file (TOML); the lab running before is archived",
                    needsToken: true,
                    success: (201, "started", "application/json"),
                    errors: [400, 413, 503]
                ), startLab
            ),
            (
                Route(
                    method: .get,
                    path: "/api/labs/current",
                    summary: "The running lab's steps and every student's progress (the scoreboard)",
                    errors: [404, 503]
                ), currentLab
            ),
            (
                Route(
                    method: .get,
                    path: "/api/labs/current/students/{name}",
                    summary: "One student's steps with hints, and the settings to connect with",
                    parameters: [.init(name: "name", inPath: true, description: "the student's name")],
                    errors: [404, 503]
                ), labStudent
            ),
            (
                Route(
                    method: .post,
                    path: "/api/labs/current/answers",
                    summary: "A student's answer to a question step, checked against the analyzer's figures",
                    bodySchema: "LabAnswer",
                    errors: [404, 503]
                ), answerLab
            ),
            (
                Route(
                    method: .get,
                    path: "/api/labs/current/results.csv",
                    summary: "Every student's steps with the time each was done, as CSV",
                    success: (200, "CSV", "text/csv"),
                    errors: [404, 503]
                ), labResults
            ),
        ]
    }

    /// `POST /api/labs`.
    func startLab(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try authorize(request)
        let labs = try requireLabs()
        var request = request
        let body = try await request.collectBody(upTo: configuration.bodyLimit)
        guard body.readableBytes > 0 else {
            throw APIError.badRequest("empty-body", "the request has no body: send the lab file")
        }
        let lab: Lab
        do {
            lab = try Lab(toml: String(buffer: body))
        } catch {
            throw APIError.badRequest("invalid-lab", error.description)
        }
        do {
            try await labs.start(lab)
        } catch {
            throw APIError(.serviceUnavailable, "unavailable", "the lab's progress cannot be stored: \(error)")
        }
        await labs.check()
        return try await labResponse(status: .created)
    }

    /// `GET /api/labs/current`.
    func currentLab(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        try await labResponse(status: .ok)
    }

    /// `GET /api/labs/current/students/{name}`.
    func labStudent(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let name = FormQuery.decodePathSegment(context.parameters.get("name") ?? "")
        guard let (lab, progress) = try await requireLabs().current else {
            throw APIError(.notFound, "not-found", Self.noLab)
        }
        let bootstrap = advertisedBootstrap()
        let findings = Self.findings(of: name, among: doctorFindings(), connections: wireConnections())
        return .jsonObject(capacity: 1024 + 512 * lab.steps.count) { writer in
            writer.key("name")
            writer.string(name)
            writer.key("findings")
            write(findings, to: &writer)
            writer.key("seen")
            writer.bool(progress.students[name] != nil)
            writer.key("bootstrap")
            if let bootstrap { writer.string(bootstrap) } else { writer.null() }
            writer.key("lab")
            writeSummary(lab, to: &writer)
            writer.key("steps")
            writer.beginArray()
            for step in lab.steps {
                writer.beginObject()
                writer.key("id")
                writer.string(step.id)
                writer.key("title")
                writer.string(Self.fill(step.title, name: name, bootstrap: bootstrap))
                writer.key("goal")
                writer.string(step.goal.kind)
                writer.key("hint")
                writer.string(Self.fill(step.hint, name: name, bootstrap: bootstrap))
                writer.key("done_at")
                writeTime(progress.doneAt(step.id, for: name), to: &writer)
                writer.endObject()
            }
            writer.endArray()
        }
    }

    /// `POST /api/labs/current/answers`: `{name, step, answer}`, no token (students post it);
    /// answers `{correct, message}`, and a right answer marks the step done.
    func answerLab(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        struct Body: Decodable {
            var name: String
            var step: String
            var answer: String
        }
        let labs = try requireLabs()
        let body = try await JSONBody.decode(Body.self, from: request, limit: 4096)
        let verdict: LabAnswerVerdict
        do {
            verdict = try await labs.answer(body.answer, step: body.step, student: body.name)
        } catch let error as LabFileError {
            let status: HTTPResponse.Status = error.message == "no lab runs" ? .notFound : .badRequest
            throw APIError(status, status == .notFound ? "not-found" : "invalid-answer", error.description)
        } catch {
            throw APIError(.serviceUnavailable, "unavailable", "the lab's progress cannot be stored: \(error)")
        }
        return .jsonObject(capacity: 512) { writer in
            writer.key("correct")
            writer.bool(verdict.correct)
            writer.key("message")
            writer.string(verdict.message)
        }
    }

    /// `GET /api/labs/current/results.csv`.
    func labResults(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard let (lab, progress) = try await requireLabs().current else {
            throw APIError(.notFound, "not-found", Self.noLab)
        }
        var text = (["student"] + lab.steps.map(\.id) + ["steps_done"]).map(MessageCSV.cell).joined(separator: ",")
        text += "\r\n"
        for student in progress.names {
            let times = lab.steps.map { step in
                progress.doneAt(step.id, for: student).map { UTCTimestamp.string(epochMicros: $0 * 1000, zone: .z) }
            }
            let cells = [MessageCSV.cell(student)] + times.map { $0 ?? "" } + [String(times.compactMap { $0 }.count)]
            text += cells.joined(separator: ",") + "\r\n"
        }
        return .download(Array(text.utf8), contentType: "text/csv; charset=utf-8", fileName: "\(lab.id)-results.csv")
    }

    private func requireLabs() throws(APIError) -> LabSession {
        guard let labs else {
            throw APIError(.serviceUnavailable, "unavailable", "labs need the appliance's data directory")
        }
        return labs
    }

    private func labResponse(status: HTTPResponse.Status) async throws -> Response {
        guard let (lab, progress) = try await requireLabs().current else {
            throw APIError(.notFound, "not-found", Self.noLab)
        }
        let findings = doctorFindings()
        let connections = wireConnections()
        return .jsonObject(status: status, capacity: 1024 + 256 * lab.steps.count * (progress.students.count + 1)) {
            writer in
            writer.key("lab")
            writeSummary(lab, to: &writer)
            writer.key("started_at")
            writeTime(progress.startedAtMillis, to: &writer)
            writer.key("students")
            writer.beginArray()
            for student in progress.names {
                writer.beginObject()
                writer.key("name")
                writer.string(student)
                writer.key("first_seen")
                writeTime(progress.students[student], to: &writer)
                writer.key("done")
                writer.beginObject()
                for step in lab.steps {
                    guard let millis = progress.doneAt(step.id, for: student) else { continue }
                    writer.key(step.id)
                    writeTime(millis, to: &writer)
                }
                writer.endObject()
                writer.key("steps_done")
                writer.integer(lab.steps.filter { progress.doneAt($0.id, for: student) != nil }.count)
                writer.key("findings")
                write(Self.findings(of: student, among: findings, connections: connections), to: &writer)
                writer.endObject()
            }
            writer.endArray()
        }
    }

    /// What the doctor finds on the wire now; none where the broker is not the appliance's own.
    private func doctorFindings() -> [DoctorFinding] {
        ((try? wireDoctor()) ?? nil)?.findings ?? []
    }

    /// The findings about one student: their clients (those with their name as client id, and
    /// those of connections that logged in as them) and the groups that carry their name as a
    /// word (`g-alice`, `alice.lab1`), which say why a step may not be done yet.
    static func findings(
        of student: String,
        among findings: [DoctorFinding],
        connections: [ConsoleConnection]
    ) -> [DoctorFinding] {
        let clients = Set(connections.filter { LabStudent.name(of: $0) == student }.compactMap(\.clientID))
        return findings.filter { finding in
            if let client = finding.clientID { return client == student || clients.contains(client) }
            guard let group = finding.groupID else { return false }
            return group.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).contains { $0 == student }
        }
    }

    /// The broker's open and recently closed connections; none where it is not the appliance's own.
    private func wireConnections() -> [ConsoleConnection] {
        guard let wire = console?.wire else { return [] }
        return (wire.connections() ?? []) + wire.closedConnections()
    }

    private func writeSummary(_ lab: Lab, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("id")
        writer.string(lab.id)
        writer.key("title")
        writer.string(lab.title)
        writer.key("summary")
        writer.string(lab.summary)
        writer.key("steps")
        writer.beginArray()
        for step in lab.steps {
            writer.beginObject()
            writer.key("id")
            writer.string(step.id)
            writer.key("title")
            writer.string(step.title)
            writer.key("goal")
            writer.string(step.goal.kind)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }

    private func writeTime(_ millis: Int64?, to writer: inout JSONWriter) {
        if let millis { writer.timestamp(micros: millis * 1000) } else { writer.null() }
    }

    /// The address students should give as bootstrap.servers: the broker's first advertised
    /// address; nil when the broker is not the appliance's own.
    private func advertisedBootstrap() -> String? {
        console?.wire?.advertisedAddresses().first?.address
    }

    /// A step's text for one student: `{name}` and `{bootstrap}` filled in.
    static func fill(_ text: String, name: String, bootstrap: String?) -> String {
        text.replacing("{name}", with: name).replacing("{bootstrap}", with: bootstrap ?? "the broker's address")
    }
}
