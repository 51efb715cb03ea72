"""The Java AdminClient (3.9.1 and 4.3.0), the authority on what Kafka's own command-line tools
do: kafka-cluster, kafka-leader-election, kafka-log-dirs, kafka-acls and kafka-consumer-groups
--delete (java/AdminCheck.java); kafka-topics --alter --partitions, kafka-topics --create of a
compacted topic, kafka-configs and kafka-delete-records (java/TopicAdminCheck.java), against one
broker."""
import uuid

from javaclients import run_check


def run_admin_check(classpath, broker, mode, main="AdminCheck"):
    suffix = uuid.uuid4().hex[:8]
    return run_check(classpath, main, broker.bootstrap, f"admin-{mode}-{suffix}", f"admin-group-{suffix}", mode)


def test_cluster_leaders_and_acls(java_client, broker):
    out = run_admin_check(java_client, broker, "cluster")
    assert "OK describeCluster: 1 node" in out
    assert "OK describeLogDirs: " in out
    assert "OK describeAcls: none" in out
    assert "OK createAcls: SecurityDisabledException" in out


def test_delete_group_offsets_and_describe_producers(java_client, broker):
    out = run_admin_check(java_client, broker, "offsets")
    assert "OK deleteConsumerGroupOffsets with a subscribed member: GroupSubscribedToTopicException" in out
    assert "OK deleteConsumerGroupOffsets after the member left: offset deleted" in out
    assert "OK describeProducers: producer " in out


def test_delete_consumer_groups(java_client, broker):
    out = run_admin_check(java_client, broker, "groups")
    assert "OK deleteConsumerGroups with a member: GroupNotEmptyException" in out
    assert "OK deleteConsumerGroups after the member left: deleted with its offsets" in out


def test_create_partitions_and_the_group_rebalances(java_client, broker):
    out = run_admin_check(java_client, broker, "partitions", "TopicAdminCheck")
    assert "OK createPartitions validateOnly: still 1 partition" in out
    assert "OK createPartitions to fewer: InvalidPartitionsException" in out
    assert "OK the group rebalanced: assigned 3 partitions" in out
    assert "OK the record in new partition 2 consumed" in out


def test_alter_and_describe_configs(java_client, broker):
    out = run_admin_check(java_client, broker, "configs", "TopicAdminCheck")
    assert "OK incrementalAlterConfigs SET retention.ms: DYNAMIC_TOPIC_CONFIG" in out
    assert "OK retention.bytes takes effect at once" in out
    assert "OK broker default log.retention.ms: inherited by the topic as DYNAMIC_DEFAULT_BROKER_CONFIG" in out
    assert "OK broker configs:" in out


def test_a_compacted_topic(java_client, broker):
    out = run_admin_check(java_client, broker, "compaction", "TopicAdminCheck")
    assert "OK createTopics with {cleanup.policy=compact, min.cleanable.dirty.ratio=0.25, segment.ms=600000}: " \
        "described as DYNAMIC_TOPIC_CONFIG" in out
    assert "OK incrementalAlterConfigs APPEND cleanup.policy delete: compact,delete" in out
    assert "OK incrementalAlterConfigs SUBTRACT cleanup.policy delete: compact" in out
    assert "OK produce without a key: InvalidRecordException" in out
    assert "OK produce with a key: offset 0" in out


def test_delete_records(java_client, broker):
    out = run_admin_check(java_client, broker, "records", "TopicAdminCheck")
    assert "OK deleteRecords before 4: low watermark 4, earliest 4" in out
    assert "OK a consumer at offset 1 reset to the new start, 4" in out
    assert "OK deleteRecords past the end: OffsetOutOfRangeException" in out
