import HTTPTypes
import Hummingbird

extension DashboardAPI {
    /// The console's actions (DashboardAPI+TopicActions.swift, DashboardAPI+GroupActions.swift);
    /// all but the reset preview behind the admin token.
    func actionRoutes() -> [(Route, Handler)] {
        let name = Route.Parameter(name: "name", inPath: true, description: "topic name")
        let group = Route.Parameter(name: "id", inPath: true, description: "group id")
        return [
            (
                Route(
                    method: .post,
                    path: "/api/broker/topics",
                    summary: "Create a topic",
                    needsToken: true,
                    success: (201, "created", "application/json"),
                    bodySchema: "NewTopicBody",
                    errors: [400, 403, 409, 503]
                ), createTopic
            ),
            (
                Route(
                    method: .delete,
                    path: "/api/broker/topics/{name}",
                    summary: "Delete a topic and its records; ?confirm= repeats its name",
                    needsToken: true,
                    parameters: [
                        name, .init(name: "confirm", inPath: false, description: "the topic's name again (required)"),
                    ],
                    errors: [400, 403, 404, 503]
                ), deleteTopic
            ),
            (
                Route(
                    method: .post,
                    path: "/api/broker/topics/{name}/partitions",
                    summary: "Grow a topic to more partitions",
                    needsToken: true,
                    parameters: [name],
                    bodySchema: "PartitionsBody",
                    errors: [400, 403, 404, 503]
                ), addPartitions
            ),
            (
                Route(
                    method: .post,
                    path: "/api/broker/topics/{name}/configs",
                    summary: "Set and remove topic configs, all or none",
                    needsToken: true,
                    parameters: [name],
                    bodySchema: "ConfigsBody",
                    errors: [400, 403, 404, 503]
                ), alterTopicConfigs
            ),
            (
                Route(
                    method: .post,
                    path: "/api/broker/topics/{name}/delete-records",
                    summary: "Delete a topic's records below an offset, in one partition or all",
                    needsToken: true,
                    parameters: [name],
                    bodySchema: "DeleteRecordsBody",
                    errors: [400, 403, 404, 503]
                ), deleteRecords
            ),
            (
                Route(
                    method: .post,
                    path: "/api/broker/topics/{name}/records",
                    summary: "Write one record (key, value, headers; a partition or by key)",
                    needsToken: true,
                    parameters: [name],
                    success: (201, "where the record landed", "application/json"),
                    bodySchema: "RecordBody",
                    errors: [400, 403, 404, 503]
                ), writeRecord
            ),
            (
                Route(
                    method: .get,
                    path: "/api/broker/groups/{id}/reset-plan",
                    summary: "Where an offset reset would move an idle group's offsets; changes nothing",
                    parameters: [
                        group,
                        .init(name: "to", inPath: false, description: "earliest, latest, time, offset or shift"),
                        .init(
                            name: "value",
                            inPath: false,
                            description: "for time: ms since the epoch; for offset: the offset; for shift: records"
                        ),
                        .init(name: "topic", inPath: false, description: "one topic (default: those committed for)"),
                    ],
                    errors: [400, 404, 409, 503]
                ), groupResetPlan
            ),
            (
                Route(
                    method: .post,
                    path: "/api/broker/groups/{id}/reset-offsets",
                    summary: "Reset an idle group's offsets",
                    needsToken: true,
                    parameters: [group],
                    bodySchema: "ResetOffsetsBody",
                    errors: [400, 403, 404, 409, 503]
                ), resetGroupOffsets
            ),
            (
                Route(
                    method: .delete,
                    path: "/api/broker/groups/{id}",
                    summary: "Delete an idle group and its offsets; ?confirm= repeats its id",
                    needsToken: true,
                    parameters: [
                        group, .init(name: "confirm", inPath: false, description: "the group's id again (required)"),
                    ],
                    errors: [400, 403, 404, 409, 503]
                ), deleteGroup
            ),
        ]
    }
}
