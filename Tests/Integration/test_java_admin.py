"""The Java AdminClient (3.9.1 and 4.3.0), the authority on what Kafka's own command-line tools
do: kafka-cluster, kafka-leader-election, kafka-log-dirs, kafka-acls and kafka-consumer-groups
--delete against one broker, through java/AdminCheck.java."""
import uuid

from javaclients import run_check


def run_admin_check(classpath, broker, mode):
    suffix = uuid.uuid4().hex[:8]
    return run_check(classpath, "AdminCheck", broker.bootstrap, f"admin-{mode}-{suffix}", f"admin-group-{suffix}",
                     mode)


def test_cluster_leaders_and_acls(java_client, broker):
    out = run_admin_check(java_client, broker, "cluster")
    assert "OK describeCluster: 1 node" in out
    assert "OK describeLogDirs: " in out
    assert "OK describeAcls: none" in out
    assert "OK createAcls: SecurityDisabledException" in out


def test_delete_consumer_groups(java_client, broker):
    out = run_admin_check(java_client, broker, "groups")
    assert "OK deleteConsumerGroups with a member: GroupNotEmptyException" in out
    assert "OK deleteConsumerGroups after the member left: deleted with its offsets" in out
