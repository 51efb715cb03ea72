"""A transactional producer process for the crash tests (test_transaction_crash.py), built on
confluent-kafka. It reports on stdout, one line per event, flushed at once:

    python txn_workload.py loop BOOTSTRAP TOPIC TRANSACTIONAL_ID PARTITIONS
        Runs transactions 0, 1, 2, ... each writing 8 records "t<N>-<i>" (i = 0..7) to partitions
        i % PARTITIONS, and prints "committed N" when the commit returned, "aborted N" when it
        aborted the transaction itself (every fifth one on purpose, others after an abortable
        error), "unknown N" when a new producer had to take over with the outcome of N left to
        the broker (it commits or aborts it whole), "new-producer" each time it made a new one,
        "error ..." for each error a call returned. A transaction number is never reused.
        SIGTERM: finishes the current transaction and exits with "stopped".

    python txn_workload.py hold BOOTSTRAP TOPIC TRANSACTIONAL_ID PARTITIONS
        Commits one transaction of 2 records per partition ("before-<p>-<i>"), then opens one of 3
        per partition ("open-<p>-<i>"), flushes them, prints "open" and waits, never committing, to
        be killed.

Both use transaction.timeout.ms=5000, so the broker aborts what a dead process left open soon.
"""
import random
import signal
import sys
import time

from confluent_kafka import KafkaException, Producer

TRANSACTION_TIMEOUT_MS = 5000
RECORDS_PER_TRANSACTION = 8


def say(line: str) -> None:
    print(line, flush=True)


def new_producer(bootstrap: str, transactional_id: str, stopping) -> Producer:
    """A producer whose init_transactions succeeded, retrying while the broker is away. Fencing
    the previous producer with this id, the broker completes or aborts its open transaction."""
    while True:
        producer = Producer({
            "bootstrap.servers": bootstrap, "transactional.id": transactional_id,
            "transaction.timeout.ms": TRANSACTION_TIMEOUT_MS, "linger.ms": 2,
            "reconnect.backoff.ms": 50, "reconnect.backoff.max.ms": 500, "retry.backoff.ms": 50,
        })
        try:
            producer.init_transactions(15)
            say("new-producer")
            return producer
        except KafkaException as error:
            say(f"error init {error.args[0].name()}")
            if stopping():
                raise SystemExit(0)
            time.sleep(0.3)


def abort(producer: Producer) -> bool:
    """Aborts the open transaction; False if the producer cannot (a new one must take over)."""
    for _ in range(5):
        try:
            producer.abort_transaction(10)
            return True
        except KafkaException as error:
            say(f"error abort {error.args[0].name()}")
            if not error.args[0].retriable():
                return False
            time.sleep(0.2)
    return False


def commit(producer: Producer) -> str:
    """Commits the open transaction: 'committed', 'aborted' (after an abortable error) or
    'unknown' (the producer is unusable; a new one takes over)."""
    for _ in range(5):
        try:
            producer.commit_transaction(10)
            return "committed"
        except KafkaException as error:
            err = error.args[0]
            say(f"error commit {err.name()}")
            if err.txn_requires_abort():
                return "aborted" if abort(producer) else "unknown"
            if not err.retriable() or err.fatal():
                return "unknown"
            time.sleep(0.2)
    return "unknown"


def retire(producer: Producer) -> None:
    """Drops what an unusable producer still holds before a new one with its id takes over."""
    try:
        producer.purge()
    except KafkaException:
        pass


def run_loop(bootstrap: str, topic: str, transactional_id: str, partitions: int) -> None:
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    producer = new_producer(bootstrap, transactional_id, lambda: bool(stop))
    number = 0
    while not stop:
        try:
            producer.begin_transaction()
            for i in range(RECORDS_PER_TRANSACTION):
                producer.produce(topic, value=f"t{number}-{i}".encode(), partition=i % partitions)
            time.sleep(random.uniform(0, 0.05))  # records on their way or written, the transaction open
            if number % 5 == 4:  # every fifth one is aborted on purpose, its records written first
                producer.flush(10)
                outcome = "aborted" if abort(producer) else "unknown"
            else:
                outcome = commit(producer)
        except KafkaException as error:
            say(f"error transaction {error.args[0].name()}")
            outcome = "aborted" if error.args[0].txn_requires_abort() and abort(producer) else "unknown"
        say(f"{outcome} {number}")
        number += 1
        if outcome == "unknown":
            retire(producer)
            producer = new_producer(bootstrap, transactional_id, lambda: bool(stop))
    producer.flush(5)
    say("stopped")


def run_hold(bootstrap: str, topic: str, transactional_id: str, partitions: int) -> None:
    producer = new_producer(bootstrap, transactional_id, lambda: False)
    producer.begin_transaction()
    for p in range(partitions):
        for i in range(2):
            producer.produce(topic, value=f"before-{p}-{i}".encode(), partition=p)
    producer.commit_transaction(15)
    producer.begin_transaction()
    for p in range(partitions):
        for i in range(3):
            producer.produce(topic, value=f"open-{p}-{i}".encode(), partition=p)
    assert producer.flush(15) == 0, "the open transaction's records were not all acknowledged"
    say("open")
    while True:
        time.sleep(1)


def main() -> None:
    mode, bootstrap, topic, transactional_id, partitions = sys.argv[1:6]
    {"loop": run_loop, "hold": run_hold}[mode](bootstrap, topic, transactional_id, int(partitions))


if __name__ == "__main__":
    main()
