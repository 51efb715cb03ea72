import KafkaWire
import Testing

@testable import MiniBroker

@Suite("Finalized features: transaction.version through UpdateFeatures and ApiVersions")
struct FinalizedFeaturesTests {
    private typealias Update = FinalizedFeatures.Update

    private static func level(_ level: Int16, _ type: FinalizedFeatures.UpgradeType? = .upgrade) -> Update {
        Update(feature: "transaction.version", level: level, upgradeType: type)
    }

    @Test func aSafeDowngradeIsStoredWithTheNextEpochAndSurvivesAReopen() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let features = try FinalizedFeatures(store: MetadataStore(dataDirectory: directory.path))
        #expect(features.levels == FinalizedFeatures.defaults)
        #expect(features.update([Self.level(1, .safeDowngrade)], validateOnly: false) == nil)
        #expect(features.levels == FeatureLevels(levels: ["transaction.version": 1], epoch: 2))
        // Setting the level it has changes nothing, not even the epoch.
        #expect(features.update([Self.level(1)], validateOnly: false) == nil)
        #expect(features.levels.epoch == 2)

        let reopened = try FinalizedFeatures(store: MetadataStore(dataDirectory: directory.path))
        #expect(reopened.levels == FeatureLevels(levels: ["transaction.version": 1], epoch: 2))
        #expect(reopened.update([Self.level(2)], validateOnly: false) == nil)
        #expect(reopened.levels == FeatureLevels(levels: ["transaction.version": 2], epoch: 3))
    }

    @Test func refusedUpdatesChangeNothingAndSayWhy() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let features = try FinalizedFeatures(store: MetadataStore(dataDirectory: directory.path))
        let cases: [([Update], KafkaErrorCode, String)] = [
            ([Self.level(1)], .invalidUpdateVersion, "is a downgrade"),
            ([Self.level(3)], .invalidUpdateVersion, "supports 0 to 2"),
            ([Self.level(-1, .unsafeDowngrade)], .invalidUpdateVersion, "supports 0 to 2"),
            ([Self.level(1, nil)], .invalidUpdateVersion, "unknown upgrade type"),
            (
                [Update(feature: "metadata.version", level: 1, upgradeType: .upgrade)], .invalidUpdateVersion,
                "no feature"
            ),
            ([Self.level(1, .safeDowngrade), Self.level(0, .safeDowngrade)], .invalidRequest, "more than once"),
            // All or nothing: a valid update beside a refused one is not applied either.
            (
                [Self.level(1, .safeDowngrade), Update(feature: "group.version", level: 1, upgradeType: .upgrade)],
                .invalidUpdateVersion, "no feature 'group.version'"
            ),
        ]
        for (updates, code, reason) in cases {
            let refusal = try #require(features.update(updates, validateOnly: false))
            #expect(refusal.code == code)
            #expect(refusal.message.contains(reason), "\(refusal.message)")
        }
        #expect(features.update([Self.level(0, .unsafeDowngrade)], validateOnly: true) == nil)
        #expect(features.levels == FinalizedFeatures.defaults)
        let reopened = try MetadataStore(dataDirectory: directory.path)
        #expect(try reopened.finalizedFeatures() == nil)
    }

    @Test func apiVersionsNamesTheFinalizedLevelAndLeavesOutAFeatureTurnedOff() throws {
        let served = try ServedBroker()
        defer { served.remove() }
        func apiVersions() -> ApiVersionsResponse {
            served.handler.apiVersions(ApiVersionsRequest(), context(.apiVersions, version: 3))
        }
        #expect(apiVersions().finalizedFeatures.map(\.maxVersionLevel) == [2])
        #expect(apiVersions().supportedFeatures.map(\.maxVersion) == [2])

        let lowered = served.handler.updateFeatures(
            UpdateFeaturesRequest(featureUpdates: [
                .init(feature: "transaction.version", maxVersionLevel: 1, upgradeType: 2)
            ]),
            context(.updateFeatures, version: 2)
        )
        #expect(lowered.errorCode == KafkaErrorCode.none.rawValue)
        #expect(lowered.results.isEmpty)
        #expect(apiVersions().finalizedFeatures.map(\.maxVersionLevel) == [1])
        #expect(apiVersions().finalizedFeaturesEpoch == 2)

        // Version 0 has AllowDowngrade instead of an upgrade type, and a result per feature.
        let off = served.handler.updateFeatures(
            UpdateFeaturesRequest(featureUpdates: [
                .init(feature: "transaction.version", maxVersionLevel: 0, allowDowngrade: true)
            ]),
            context(.updateFeatures, version: 0)
        )
        #expect(off.results.map(\.errorCode) == [KafkaErrorCode.none.rawValue])
        #expect(apiVersions().finalizedFeatures.isEmpty)
        #expect(apiVersions().finalizedFeaturesEpoch == 3)

        let refused = served.handler.updateFeatures(
            UpdateFeaturesRequest(featureUpdates: [
                .init(feature: "transaction.version", maxVersionLevel: 2, allowDowngrade: true)
            ]),
            context(.updateFeatures, version: 0)
        )
        #expect(refused.errorCode == KafkaErrorCode.invalidUpdateVersion.rawValue)
        #expect(refused.results.map(\.errorMessage) == [refused.errorMessage])
    }

    @Test func onlyAPrincipalAllowedToAlterTheClusterUpdatesFeatures() throws {
        let served = try ServedBroker { $0.authorizer = .acls }
        defer { served.remove() }
        var student = context(.updateFeatures, version: 1)
        student.principal = KafkaPrincipal(user: "student")
        let refused = served.handler.updateFeatures(
            UpdateFeaturesRequest(featureUpdates: [
                .init(feature: "transaction.version", maxVersionLevel: 1, upgradeType: 2)
            ]),
            student
        )
        #expect(refused.errorCode == KafkaErrorCode.clusterAuthorizationFailed.rawValue)
        #expect(refused.results.map(\.errorCode) == [KafkaErrorCode.clusterAuthorizationFailed.rawValue])
        #expect(served.handler.features.levels == FinalizedFeatures.defaults)
    }

    private func context(_ key: ApiKey, version: Int16) -> RequestContext {
        RequestContext(apiKey: key, apiVersion: version, correlationID: 1, clientID: nil, clientHost: "test")
    }
}
