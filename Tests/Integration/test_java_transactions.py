"""Kafka transactions with the Java client (3.9.1 and 4.3.0), the reference for exactly-once
pipelines and Kafka Streams (java/TransactionCheck.java): commit and abort through
read_committed and read_uncommitted consumers and the last stable offset, consume-transform-produce
with the group's offsets in the transaction, a zombie producer fenced, a timed-out transaction
aborted by the broker, the kafka-transactions admin calls, and kafka-features choosing the
transaction protocol."""
import uuid

from javaclients import run_check


def run_transaction_check(classpath, broker, mode):
    suffix = uuid.uuid4().hex[:8]
    return run_check(classpath, "TransactionCheck", broker.bootstrap, f"txn-{mode}-{suffix}",
                     f"txn-group-{suffix}", mode)


def test_commit_abort_and_the_last_stable_offset(java_client, broker):
    """read_committed reads exactly the committed records, read_uncommitted all of them; each
    transaction leaves one marker per partition; an open transaction holds the LSO back."""
    out = run_transaction_check(java_client, broker, "commit")
    assert "after 3 transactions" in out  # the protocol: 2 (the epoch bumped each time) from 4.0
    assert "OK read_committed: exactly the 110 committed records" in out
    assert "OK read_uncommitted: all 160 records, 50 of them aborted" in out
    assert "OK end offsets agree with nothing open: 169 offsets (160 records, 9 markers)" in out
    assert "OK open transaction: read_committed end offsets " in out
    assert "OK open transaction: read_committed gets none of its 20 records" in out
    assert "OK after commit: read_committed gets the 20 records, end offsets agree" in out


def test_consume_transform_produce(java_client, broker):
    """Offsets sent to the transaction are committed with it and only with it: the group ends at
    the input's end, the output holds every record once, an aborted transaction moves nothing."""
    out = run_transaction_check(java_client, broker, "ctp")
    assert "OK consume-transform-produce: 200 records in " in out
    assert "OK group offsets committed in the transactions: {0=67, 1=67, 2=66}" in out
    assert "OK output read_committed: exactly 200 records, each input once" in out
    assert "OK aborted transaction with offsets 0: group offsets unchanged, output still 200 records" in out
    assert "OK a new member of txn-group-" in out and "resumes at the committed end: 0 records" in out


def test_a_second_producer_fences_the_first(java_client, broker):
    """initTransactions by a new instance aborts the old one's transaction and fences it."""
    out = run_transaction_check(java_client, broker, "fencing")
    assert "OK producer A's send fails: " in out
    assert "OK producer A's commit fails: " in out
    assert "OK producer B: 3 records committed" in out
    assert "OK read_committed: only B's 3 records; read_uncommitted: A's 5 aborted ones too" in out


def test_the_broker_aborts_a_timed_out_transaction(java_client, broker):
    """An open transaction pins the LSO until transaction.timeout.ms (3 s) passed; then the
    broker aborts it on its own and fences the producer."""
    out = run_transaction_check(java_client, broker, "timeout")
    assert "OK open transaction (timeout 3000 ms): read_committed end offset 2, read_uncommitted 7" in out
    assert "OK read_committed reads up to the LSO only: [before-0, before-1]" in out
    assert "OK the broker aborted the timed-out transaction: LSO 8 after about " in out
    assert "OK read_committed gets none of it, read_uncommitted the 5 records" in out
    assert "OK commitTransaction after the timeout fails: " in out


def test_list_describe_and_abort_transactions(java_client, broker):
    """kafka-transactions list / describe / describe-producers / abort: an open transaction is
    seen as Ongoing with its producer, timeout and partitions; aborting it by its producer state
    on the partition moves the LSO; an unknown id is not found."""
    out = run_transaction_check(java_client, broker, "admin")
    assert "OK listTransactions: txn-admin-" in out and "-admin-txn Ongoing producer " in out
    assert "timeout 45000 ms partitions [txn-admin-" in out
    assert "OK describeProducers: producer " in out and "has a transaction open at offset 0" in out
    assert "OK abortTransaction (coordinator epoch " in out
    assert "OK the producer's own abort afterwards succeeds" in out
    assert "OK describeTransactions of an unknown id: TransactionalIdNotFoundException" in out


def test_kafka_features_chooses_the_transaction_protocol(java_client, aseed_factory):
    """Admin.updateFeatures (kafka-features.sh) lowers transaction.version to 1: Java 4.x
    producers that connect afterwards use the first protocol (no epoch bump per transaction);
    raised to 2 again, the second. A private broker: the level is the broker's."""
    broker = aseed_factory().start()
    out = run_transaction_check(java_client, broker, "features")
    assert "OK describeFeatures: transaction.version finalized at 2" in out
    assert "OK an upgrade to a lower level is refused: lowering 'transaction.version' from 2 to 1" in out
    assert "OK downgrade: transaction.version 1 at epoch 2" in out
    assert "OK a producer connecting now uses the first protocol: epoch 0 after 3 transactions" in out
    assert "OK upgrade: transaction.version 2, epoch " in out
    assert "features updated by" in broker.output()
