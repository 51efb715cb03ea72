"""The admin clients of confluent-kafka (librdkafka) and kafka-python 3 against one broker:
the cluster's description, the log directory, ACLs (none without an authorizer) and deleting
consumer groups with their committed offsets, deleting a group's offsets of one topic, leader
election (also in test_java_admin.py)."""
import os

import pytest
from confluent_kafka import ConsumerGroupTopicPartitions, Consumer, KafkaError, KafkaException
from confluent_kafka.admin import (AclBinding, AclBindingFilter, AclOperation, AclPermissionType, AdminClient,
                                   ResourcePatternType, ResourceType)
from kafka import TopicPartition as KafkaPythonPartition
from kafka.errors import GroupSubscribedToTopicError, NoError
from kafka.admin import (ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType, KafkaAdminClient,
                         ResourcePatternFilter)
from kafka.admin import ResourceType as KafkaPythonResourceType

from conftest import unique
from kafkahelpers import create_topic, produce_acked


@pytest.fixture
def confluent_admin(broker):
    return AdminClient({"bootstrap.servers": broker.bootstrap})


@pytest.fixture
def kafka_python_admin(broker):
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    yield admin
    admin.close()


def error_code(future) -> int:
    """The Kafka error code a confluent-kafka future failed with."""
    with pytest.raises(KafkaException) as failure:
        future.result(timeout=30)
    return failure.value.args[0].code()


def committed_group(broker, topic_factory) -> tuple[str, Consumer]:
    """A group whose one member read a record and committed, still a member."""
    topic = topic_factory(1, "admin-groups")
    produce_acked(broker.bootstrap, topic, [b"one"])
    return member_of_new_group(broker, topic)


def member_of_new_group(broker, topic) -> tuple[str, Consumer]:
    """A new group whose one member read the topic's first record and committed."""
    group = unique("admin-group")
    member = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                       "enable.auto.commit": False, "session.timeout.ms": 6000})
    member.subscribe([topic])
    message = None
    for _ in range(60):
        message = member.poll(0.5)
        if message is not None and message.error() is None:
            break
    assert message is not None and message.error() is None, "the member read no record"
    member.commit(message=message, asynchronous=False)
    return group, member


def test_confluent_describes_the_cluster(confluent_admin):
    cluster = confluent_admin.describe_cluster(request_timeout=30).result(timeout=30)
    assert len(cluster.nodes) == 1
    assert cluster.controller is not None and cluster.controller.id == cluster.nodes[0].id
    assert cluster.cluster_id


def test_confluent_sees_no_acls_and_cannot_create_any(confluent_admin):
    everything = AclBindingFilter(ResourceType.ANY, None, ResourcePatternType.ANY, None, None, AclOperation.ANY,
                                  AclPermissionType.ANY)
    assert confluent_admin.describe_acls(everything, request_timeout=30).result(timeout=30) == []
    binding = AclBinding(ResourceType.TOPIC, "orders", ResourcePatternType.LITERAL, "User:alice", "*",
                         AclOperation.READ, AclPermissionType.ALLOW)
    futures = confluent_admin.create_acls([binding], request_timeout=30)
    assert error_code(futures[binding]) == KafkaError.SECURITY_DISABLED
    deleted = confluent_admin.delete_acls([everything], request_timeout=30)
    assert deleted[everything].result(timeout=30) == []


def test_confluent_deletes_a_group_once_it_is_empty(broker, topic_factory, confluent_admin):
    group, member = committed_group(broker, topic_factory)
    assert error_code(confluent_admin.delete_consumer_groups([group], request_timeout=30)[group]) \
        == KafkaError.NON_EMPTY_GROUP
    member.close()
    confluent_admin.delete_consumer_groups([group], request_timeout=30)[group].result(timeout=30)
    assert error_code(confluent_admin.delete_consumer_groups([group], request_timeout=30)[group]) \
        == KafkaError.GROUP_ID_NOT_FOUND


def test_kafka_python_describes_the_cluster(kafka_python_admin):
    cluster = kafka_python_admin.describe_cluster()
    assert len(cluster["brokers"]) == 1
    assert cluster["controller_id"] == cluster["brokers"][0]["broker_id"]
    assert cluster["cluster_id"]


def test_kafka_python_acls_and_group_deletion(broker, topic_factory, kafka_python_admin):
    everything = ACLFilter(principal=None, host="*", operation=ACLOperation.ANY,
                           permission_type=ACLPermissionType.ANY,
                           resource_pattern=ResourcePatternFilter(KafkaPythonResourceType.ANY, None,
                                                                  ACLResourcePatternType.ANY))
    acls, error = kafka_python_admin.describe_acls(everything)
    assert acls == [] and error.errno == 0
    group, member = committed_group(broker, topic_factory)
    member.close()
    assert kafka_python_admin.list_group_offsets(group)[group] != {}
    assert kafka_python_admin.delete_groups([group]) == {group: "OK"}
    assert kafka_python_admin.list_group_offsets(group) == {group: {}}
    assert kafka_python_admin.delete_groups([group]) == {group: "GroupIdNotFoundError"}


def test_a_group_known_only_by_its_offsets_after_a_restart_is_deleted(aseed_factory):
    """The coordinator forgets members at a restart; the committed offsets stay, and to Kafka
    such a group is Empty, so deleting it succeeds and removes them."""
    private = aseed_factory().start()
    topic = unique("restart-groups")
    create_topic(private.bootstrap, topic, 1)
    produce_acked(private.bootstrap, topic, [b"one"])
    group, member = member_of_new_group(private, topic)
    member.close()
    assert private.stop() == 0
    private.start()
    admin = AdminClient({"bootstrap.servers": private.bootstrap})
    listed = admin.list_consumer_group_offsets([ConsumerGroupTopicPartitions(group)])[group].result(timeout=30)
    assert [p.offset for p in listed.topic_partitions] == [1]
    admin.delete_consumer_groups([group], request_timeout=30)[group].result(timeout=30)
    listed = admin.list_consumer_group_offsets([ConsumerGroupTopicPartitions(group)])[group].result(timeout=30)
    assert [p.offset for p in listed.topic_partitions if p.offset >= 0] == []


def test_kafka_python_describes_the_log_dirs(broker, topic_factory, kafka_python_admin):
    topic = topic_factory(2, "admin-logdirs")
    produce_acked(broker.bootstrap, topic, [os.urandom(1000)])  # incompressible: stored at full size
    [per_broker] = kafka_python_admin.describe_log_dirs({topic: [0, 1, 9]})
    [directory] = per_broker["log_dirs"]
    assert directory["error_code"] == 0, directory
    assert directory["log_dir"].startswith("/") and directory["log_dir"].endswith("/topics"), directory
    [described] = directory["topics"]
    sizes = {p["partition_index"]: p["partition_size"] for p in described["partitions"]}
    assert sizes.keys() == {0, 1} and sizes[0] > 1000 and sizes[1] == 0, described
    assert 0 < directory["usable_bytes"] <= directory["total_bytes"]


def test_kafka_python_deletes_group_offsets_once_no_member_subscribes(broker, topic_factory, kafka_python_admin):
    group, member = committed_group(broker, topic_factory)
    [partition] = [KafkaPythonPartition(p.topic, p.partition) for p in member.assignment()]
    refused = kafka_python_admin.delete_group_offsets(group, [partition])
    assert refused[partition] is GroupSubscribedToTopicError, refused
    member.close()
    deleted = kafka_python_admin.delete_group_offsets(group, [partition])
    assert deleted[partition] is NoError, deleted
    assert partition not in kafka_python_admin.list_group_offsets(group)[group]


def test_kafka_python_elect_leaders_needs_no_election(topic_factory, kafka_python_admin):
    topic = topic_factory(2, "admin-elect")
    response = kafka_python_admin.elect_leaders(0, {topic: [0, 1]})
    [result] = response.replica_election_results
    assert result.topic == topic
    assert sorted((p.partition_id, p.error_code) for p in result.partition_result) == [(0, 84), (1, 84)]
