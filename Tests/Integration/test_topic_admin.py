"""Topic administration that must outlive the broker: added partitions, topic and broker
config changes and deleted records, set with confluent-kafka's admin client, checked after a
clean stop and after kill -9; and the same operations through kafka-python 3's admin client."""
from confluent_kafka import TopicPartition
from confluent_kafka.admin import (AdminClient, AlterConfigOpType, ConfigEntry, ConfigResource, ConfigSource,
                                   NewPartitions, OffsetSpec, ResourceType)
from kafka import TopicPartition as KafkaPythonPartition
from kafka.admin import ConfigResource as KafkaPythonConfigResource
from kafka.admin import ConfigResourceType, KafkaAdminClient
from kafka.errors import InvalidPartitionsError

from conftest import unique
from kafkahelpers import create_topic, produce_acked, wait_for_topic


def topic_configs(admin: AdminClient, topic: str) -> dict:
    resource = ConfigResource(ResourceType.TOPIC, topic)
    return admin.describe_configs([resource])[resource].result(timeout=30)


def set_config(admin: AdminClient, kind: ResourceType, name: str, key: str, value: str) -> None:
    entry = ConfigEntry(key, value, incremental_operation=AlterConfigOpType.SET)
    resource = ConfigResource(kind, name, incremental_configs=[entry])
    admin.incremental_alter_configs([resource])[resource].result(timeout=30)


def earliest(admin: AdminClient, topic: str, partition: int) -> int:
    key = TopicPartition(topic, partition)
    return admin.list_offsets({key: OffsetSpec.earliest()})[key].result(timeout=30).offset


def test_admin_changes_survive_clean_and_unclean_restarts(aseed_factory):
    broker = aseed_factory().start()
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    topic = unique("admin-restart")
    create_topic(broker.bootstrap, topic, 1)
    produce_acked(broker.bootstrap, topic, [b"record-%d" % i for i in range(10)])
    admin.create_partitions([NewPartitions(topic, 3)])[topic].result(timeout=30)
    set_config(admin, ResourceType.TOPIC, topic, "retention.ms", "3600000")
    # librdkafka names a broker by id (kafka-configs --entity-name), not the cluster default.
    node = str(admin.describe_cluster().result(timeout=30).controller.id)
    set_config(admin, ResourceType.BROKER, node, "log.retention.bytes", "1073741824")
    deleted = admin.delete_records([TopicPartition(topic, 0, 5)])
    assert next(iter(deleted.values())).result(timeout=30).low_watermark == 5

    def check_after_restart(start: int) -> None:
        admin = AdminClient({"bootstrap.servers": broker.bootstrap})
        wait_for_topic(broker.bootstrap, topic, 3)
        configs = topic_configs(admin, topic)
        assert configs["retention.ms"].value == "3600000"
        assert configs["retention.ms"].source == ConfigSource.DYNAMIC_TOPIC_CONFIG.value
        assert configs["retention.bytes"].value == "1073741824"
        assert configs["retention.bytes"].source == ConfigSource.DYNAMIC_BROKER_CONFIG.value
        assert earliest(admin, topic, 0) == start

    assert broker.stop() == 0
    broker.start()
    check_after_restart(5)

    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    deleted = admin.delete_records([TopicPartition(topic, 0, 7)])
    assert next(iter(deleted.values())).result(timeout=30).low_watermark == 7
    broker.kill()
    broker.start()
    check_after_restart(7)


def test_kafka_python_admin_topic_operations(broker):
    topic = unique("kp-admin")
    create_topic(broker.bootstrap, topic, 1)
    produce_acked(broker.bootstrap, topic, [b"one", b"two", b"three"])
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    try:
        admin.create_partitions({topic: 2})
        wait_for_topic(broker.bootstrap, topic, 2)
        try:
            admin.create_partitions({topic: 1})
            raise AssertionError("fewer partitions were accepted")
        except InvalidPartitionsError:
            pass

        resource = KafkaPythonConfigResource(ConfigResourceType.TOPIC, topic, {"segment.ms": "600000"})
        admin.alter_configs([resource])
        described = admin.describe_configs([KafkaPythonConfigResource(ConfigResourceType.TOPIC, topic)])
        assert "segment.ms" in str(described) and "600000" in str(described)

        # Legacy AlterConfigs replaces every override; kafka-python sends the ones already set
        # along, so segment.ms stays.
        legacy = KafkaPythonConfigResource(ConfigResourceType.TOPIC, topic, {"retention.ms": "86400000"})
        admin.alter_configs([legacy], incremental=False)
        described = str(admin.describe_configs([KafkaPythonConfigResource(ConfigResourceType.TOPIC, topic)]))
        assert "'retention.ms': {'value': '86400000'" in described and "'segment.ms': {'value': '600000'" in described

        refused = admin.alter_configs([KafkaPythonConfigResource(ConfigResourceType.TOPIC, topic, {"retention.ms": "x"})])
        assert "InvalidConfigurationError: retention.ms must be an integer" in refused["topic"][topic]

        partition = KafkaPythonPartition(topic, 0)
        low = admin.delete_records({partition: 2})
        assert low[partition]["low_watermark"] == 2 and low[partition]["error_code"] == 0
    finally:
        admin.close()
