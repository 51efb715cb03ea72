"""An idle broker stays idle whatever its partition count: nothing it does periodically may
visit every partition (the flush loop once fsynced each partition's files and rewrote its
checkpoint every second, 6.7 % of a core at 2,000 partitions)."""
import resource
import time

import pytest

from confluent_kafka.admin import AdminClient, NewTopic

from conftest import require
from procstats import cpu_share, open_descriptors

pytestmark = pytest.mark.needs_aseed

PARTITIONS = 2000


@pytest.mark.timeout(300)  # creating 2,000 partitions takes a while on a busy machine
def test_an_idle_broker_with_2000_partitions_uses_almost_no_cpu(aseed_factory, record_property):
    instance = aseed_factory().start()
    pid = instance.process.pid
    # Three files a partition: make sure the broker may open them.
    soft, hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)
    try:
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (max(soft, 8192), max(hard, 8192)))
    except (PermissionError, ValueError):
        require(False, f"cannot give the broker 8192 file descriptors (its limit is {soft}/{hard})")
    admin = AdminClient({"bootstrap.servers": instance.bootstrap})
    topics = [NewTopic(f"idle-{n}", num_partitions=500, replication_factor=1) for n in range(PARTITIONS // 500)]
    for future in admin.create_topics(topics, operation_timeout=120, request_timeout=180).values():
        future.result(240)
    del admin  # its background thread would keep calling the stopped broker
    time.sleep(3)  # the creations' own work settles

    share = cpu_share(pid, 10.0)
    record_property("idle_cpu_share_2000_partitions", round(share, 4))
    print(f"\nbroker CPU idle with {PARTITIONS} partitions: {share:.2%} of a core")
    assert share < 0.02, f"an idle broker with {PARTITIONS} partitions used {share:.1%} of a core"
    assert open_descriptors(pid) > PARTITIONS  # the partitions really are open
    assert instance.stop() == 0
