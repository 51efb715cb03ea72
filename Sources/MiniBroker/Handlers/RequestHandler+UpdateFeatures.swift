import KafkaWire

extension RequestHandler {
    /// UpdateFeatures v0-2 (`kafka-features.sh`, `Admin.updateFeatures`): changes finalized
    /// feature levels (`FinalizedFeatures`), all or none. Needs Alter on the cluster. As with
    /// Kafka's controller, the request has one outcome: the top-level error, which versions 0
    /// and 1 also give as each feature's result.
    func updateFeatures(_ request: UpdateFeaturesRequest, _ context: RequestContext) -> UpdateFeaturesResponse {
        let refusal: FinalizedFeatures.Refusal?
        if authorizedOnCluster(.alter, context) {
            let updates = request.featureUpdates.map { update in
                FinalizedFeatures.Update(
                    feature: update.feature,
                    level: update.maxVersionLevel,
                    upgradeType: Self.upgradeType(of: update, version: context.apiVersion)
                )
            }
            refusal = features.update(updates, validateOnly: request.validateOnly)
        } else {
            refusal = .init(code: .clusterAuthorizationFailed, message: "updating features needs Alter on the cluster")
        }
        logOutcome(of: request, refusal, context)
        let code = (refusal?.code ?? .none).rawValue
        return UpdateFeaturesResponse(
            throttleTimeMs: 0,
            errorCode: code,
            errorMessage: refusal?.message,
            results: context.apiVersion >= 2
                ? []
                : request.featureUpdates.map {
                    .init(feature: $0.feature, errorCode: code, errorMessage: refusal?.message)
                }
        )
    }

    /// Version 0's AllowDowngrade allows what a safe downgrade does; later versions name the type.
    private static func upgradeType(
        of update: UpdateFeaturesRequest.FeatureUpdateKey,
        version: Int16
    ) -> FinalizedFeatures.UpgradeType? {
        guard version > 0 else { return update.allowDowngrade ? .safeDowngrade : .upgrade }
        return FinalizedFeatures.UpgradeType(rawValue: update.upgradeType)
    }

    private func logOutcome(
        of request: UpdateFeaturesRequest,
        _ refusal: FinalizedFeatures.Refusal?,
        _ context: RequestContext
    ) {
        let asked = request.featureUpdates.map { "\($0.feature)=\($0.maxVersionLevel)" }.joined(separator: ", ")
        if let refusal {
            logger.info("UpdateFeatures (\(asked)) from \(context.clientHost) refused: \(refusal.message)")
        } else if !request.validateOnly {
            let levels = features.levels
            logger.notice("features updated by \(context.clientHost): \(asked) (epoch \(levels.epoch))")
        }
    }
}
