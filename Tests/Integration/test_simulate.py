"""`aseed simulate`: orders produced by our own Kafka client, read back by other clients.

Every codec is written by our producer and read by kcat (librdkafka) and kafka-python; keys
land in the partition the Java client's murmur2 partitioner picks. The same runs against
Tansu show the producer does not depend on our own broker's leniency."""
import datetime
import json
import os
import signal
import subprocess
import time

import pytest
from kafka import KafkaConsumer
from kafka.partitioner.default import murmur2

from conftest import ASEED_BIN, free_port, unique
from kafkahelpers import create_topic

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
ORDER_FIELDS = {"order_id", "product_id", "product_name", "category", "price", "quantity", "customer_id", "timestamp"}


def simulate(bootstrap, topic, count, *extra, timeout=120):
    command = [ASEED_BIN, "simulate", "--bootstrap-servers", bootstrap, "--topic", topic,
               "--count", str(count), "--flood", *extra]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def read_with_kcat(bootstrap, topic, count):
    out = subprocess.run(
        ["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-c", str(count), "-e",
         "-f", "%p\t%k\t%s\n", "-q"],
        capture_output=True, text=True, timeout=60, check=True).stdout
    rows = [line.split("\t", 2) for line in out.splitlines() if line]
    return [(int(partition), key, json.loads(value)) for partition, key, value in rows]


def read_with_kafka_python(bootstrap, topic, count):
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=10_000)
    records = []
    try:
        for message in consumer:
            records.append((message.partition, message.key.decode(), json.loads(message.value)))
            if len(records) == count:
                break
    finally:
        consumer.close()
    return records


def check_orders(records, count, partitions):
    assert len(records) == count
    ids = [order["order_id"] for _partition, _key, order in records]
    assert len(set(ids)) == count, "order ids repeat"
    for partition, key, order in records:
        assert set(order) == ORDER_FIELDS
        assert key == order["order_id"]
        assert order["timestamp"].endswith("+00:00")
        # The Java client's partitioner: murmur2 of the key, sign bit masked, modulo.
        assert partition == (murmur2(key.encode()) & 0x7FFFFFFF) % partitions


@pytest.mark.needs_aseed
@pytest.mark.parametrize("codec", CODECS)
def test_every_codec_is_read_by_kcat_and_kafka_python(broker, codec):
    topic = unique(f"sim-{codec}")
    create_topic(broker.bootstrap, topic, 3)
    result = simulate(broker.bootstrap, topic, 300, "--compression", codec, "--seed", "7")
    assert result.returncode == 0, result.stderr
    check_orders(read_with_kcat(broker.bootstrap, topic, 300), 300, 3)
    check_orders(read_with_kafka_python(broker.bootstrap, topic, 300), 300, 3)


@pytest.mark.needs_aseed
@pytest.mark.parametrize("codec", ["none", "lz4", "zstd"])
def test_simulator_produces_into_tansu(tansu, codec):
    topic = unique("sim-tansu")
    create_topic(tansu, topic, 3)
    result = simulate(tansu, topic, 200, "--compression", codec)
    assert result.returncode == 0, result.stderr
    check_orders(read_with_kafka_python(tansu, topic, 200), 200, 3)


@pytest.mark.needs_aseed
def test_unreachable_broker_is_reported_and_retried():
    process = subprocess.Popen(
        [ASEED_BIN, "simulate", "--bootstrap-servers", f"127.0.0.1:{free_port()}", "--count", "1", "--flood"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(3)
        assert process.poll() is None, "the simulator gave up instead of retrying"
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "unreachable" in err or "connection refused" in err.lower()
    assert "retry" in err.lower()


@pytest.mark.needs_aseed
def test_a_broken_catalog_names_the_line_and_field(tmp_path):
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("product_id,product_name,category,price\nP-1,Mug,Kitchen,4.50\nP-2,Bowl,Kitchen,abc\n")
    result = subprocess.run([ASEED_BIN, "simulate", "--catalog", str(catalog), "--count", "1",
                             "--bootstrap-servers", "127.0.0.1:1"], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert f"{catalog}:3" in result.stderr and "price" in result.stderr


def parsed_orders(records):
    """(valid orders, broken records) of kcat output rows read as raw text."""
    valid, broken = [], 0
    for _partition, _key, value in records:
        try:
            order = json.loads(value)
        except json.JSONDecodeError:
            broken += 1
            continue
        ok = (isinstance(order, dict) and set(order) == ORDER_FIELDS and isinstance(order.get("price"), (int, float))
              and isinstance(order.get("quantity"), int) and order["quantity"] > 0 and valid_utc(order["timestamp"]))
        if ok:
            valid.append(order)
        else:
            broken += 1
    return valid, broken


def valid_utc(text):
    try:
        moment = datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return False
    return moment.utcoffset() == datetime.timedelta(0)


def read_raw_with_kcat(bootstrap, topic, count):
    out = subprocess.run(
        ["kcat", "-C", "-b", bootstrap, "-t", topic, "-o", "beginning", "-c", str(count), "-e", "-f", "%p\t%k\t%s\n", "-q"],
        capture_output=True, text=True, timeout=60, check=True).stdout
    return [line.split("\t", 2) for line in out.splitlines() if line]


@pytest.mark.needs_aseed
def test_scenarios_given_at_start_shape_the_orders(broker):
    topic = unique("sim-scenarios")
    create_topic(broker.bootstrap, topic, 3)
    result = simulate(broker.bootstrap, topic, 3000, "--seed", "11",
                      "--scenario", "malformed:25", "--scenario", "flash-sale:PROD-060")
    assert result.returncode == 0, result.stderr
    valid, broken = parsed_orders(read_raw_with_kcat(broker.bootstrap, topic, 3025))
    assert (len(valid), broken) == (3000, 25)
    # PROD-060 has weight 1 of 145 (0.7 %); the flash sale multiplies its orders by 5.
    on_sale = [order for order in valid if order["product_id"] == "PROD-060"]
    assert len(on_sale) / len(valid) > 0.02
    assert all(order["price"] < 24.99 for order in on_sale)  # 30 % off its list price


@pytest.mark.needs_aseed
def test_an_unknown_scenario_is_explained():
    result = subprocess.run([ASEED_BIN, "simulate", "--scenario", "flash-sale:Garden Gnomes", "--count", "1",
                             "--bootstrap-servers", "127.0.0.1:1"], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "Garden Gnomes" in result.stderr and "category" in result.stderr
