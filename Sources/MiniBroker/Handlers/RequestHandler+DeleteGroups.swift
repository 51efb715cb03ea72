import KafkaWire

extension RequestHandler {
    /// DeleteGroups v0-2: an Empty group goes with its committed offsets; a group with members
    /// answers NON_EMPTY_GROUP. A group the coordinator no longer holds in memory (after a
    /// restart) but with committed offsets is an Empty group to Kafka, so it is deleted too.
    /// Needs Delete on the group.
    func deleteGroups(_ request: DeleteGroupsRequest, _ context: RequestContext) async -> DeleteGroupsResponse {
        var results: [DeleteGroupsResponse.DeletableGroupResult] = []
        let (allowed, refused) = request.groupsNames.reduce(into: ([String](), [String]())) { split, groupID in
            if authorized(.delete, .group, groupID, context) {
                split.0.append(groupID)
            } else {
                split.1.append(groupID)
            }
        }
        for groupID in refused {
            results.append(.init(groupId: groupID, errorCode: KafkaErrorCode.groupAuthorizationFailed.rawValue))
        }
        for (groupID, outcome) in await groups.deleteGroups(groupIDs: allowed) {
            let code = outcome == .groupIdNotFound && hasCommittedOffsets(groupID) ? .none : outcome
            if code == .none {
                do {
                    try offsets.deleteOffsets(group: groupID)
                } catch {
                    logger.error("deleting the offsets of group \(groupID) failed: \(error)")
                    results.append(.init(groupId: groupID, errorCode: KafkaErrorCode.kafkaStorageError.rawValue))
                    continue
                }
                logger.info("group \(groupID) deleted by \(context.clientHost)")
            }
            results.append(.init(groupId: groupID, errorCode: code.rawValue))
        }
        return DeleteGroupsResponse(throttleTimeMs: 0, results: results)
    }

    /// Whether the metadata store holds offsets of the group.
    func hasCommittedOffsets(_ groupID: String) -> Bool {
        (try? offsets.committedOffsets(group: groupID).isEmpty == false) ?? false
    }
}
