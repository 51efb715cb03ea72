"""Security: what TLS and a SASL login cost, beside plaintext.

One aseed broker with a PLAINTEXT and a SASL_SSL listener (its own certificate, a SCRAM-SHA-256
user made with `aseed users add`). For each workload of the broker benchmark (1 KiB
uncompressed records; 215-byte order records with lz4) it produces into a fresh 3-partition
topic from two librdkafka producers, acks=all, then consumes everything back, once over each
listener, the order alternating between runs; a fresh broker each run. Reported: MB/s of record
values and the broker's CPU seconds per GB (schedstat), medians of the runs. Target: SASL_SSL
costs under 1 CPU s/GB more than plaintext.

Connection setup: a new librdkafka client connects, logs in where the listener asks for it and
fetches metadata, 50 times per listener; reported p50 and p95 in milliseconds, with the broker's
CPU milliseconds per connection.

Usage: python benchmarks/security_bench.py [--runs 3] [--scale 1.0]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from confluent_kafka.admin import AdminClient

from broker_bench import Broker, create_topic, free_port, produce_then_consume, wait_for_port, workloads

ASEED_BIN = os.environ.get("ASEED_BIN", ".build/release/aseed")
USER, PASSWORD = "bench", "bench-secret"
CONNECTIONS = 50


class SecureBroker(Broker):
    """`aseed broker` with PLAINTEXT and SASL_SSL listeners and one SCRAM user; stopped and
    measured like the broker benchmark's."""

    def __init__(self):
        # Not Broker.__init__: that one starts a broker with a single listener.
        self.kind = "aseed"
        self.port, self.secure_port = free_port(), free_port()
        self.dir = tempfile.mkdtemp(prefix="bench-security-")
        listeners = f"PLAINTEXT://127.0.0.1:{self.port},SASL_SSL://127.0.0.1:{self.secure_port}"
        self.log = open(f"{self.dir}/stdout.log", "w")
        self.process = subprocess.Popen(
            [ASEED_BIN, "broker", "--data-dir", f"{self.dir}/data", "--log-dir", f"{self.dir}/logs",
             "--listeners", listeners, "--advertised-listeners", listeners],
            stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process)
        wait_for_port(self.secure_port, self.process)
        subprocess.run([ASEED_BIN, "users", "add", USER, "--password", PASSWORD,
                        "--bootstrap-servers", self.bootstrap], check=True, capture_output=True, timeout=30)

    def listener(self, name):
        """(bootstrap, librdkafka settings) of the PLAINTEXT or SASL_SSL listener."""
        if name == "PLAINTEXT":
            return self.bootstrap, {}
        return f"127.0.0.1:{self.secure_port}", {
            "security.protocol": "SASL_SSL", "ssl.ca.location": f"{self.dir}/data/tls/certificate.pem",
            "sasl.mechanisms": "SCRAM-SHA-256", "sasl.username": USER, "sasl.password": PASSWORD,
        }


def connection_setup(broker, name):
    """Milliseconds from a new client to its first metadata answer, and broker CPU ms each."""
    bootstrap, security = broker.listener(name)
    times = []
    cpu_before = broker.cpu()
    for _ in range(CONNECTIONS):
        start = time.perf_counter()
        admin = AdminClient({"bootstrap.servers": bootstrap, **security})
        admin.list_topics(timeout=10)
        times.append((time.perf_counter() - start) * 1000)
        del admin
    cpu_ms = (broker.cpu() - cpu_before) * 1000 / CONNECTIONS
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], cpu_ms


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    results = {}  # (workload, phase, listener) -> [(MB/s, CPU s/GB)]
    setups = {}  # listener -> [(p50, p95, cpu ms)]
    for run in range(args.runs):
        order = ["PLAINTEXT", "SASL_SSL"] if run % 2 == 0 else ["SASL_SSL", "PLAINTEXT"]
        broker = SecureBroker()
        try:
            for name in order:
                setups.setdefault(name, []).append(connection_setup(broker, name))
            for index, (workload, codec, payloads, count) in enumerate(workloads(args.scale)):
                for name in order:
                    bootstrap, security = broker.listener(name)
                    topic = f"bench-{index}-{name.lower()}"
                    create_topic(broker.bootstrap, topic)
                    produce_then_consume(
                        broker, topic, codec, payloads, count, f"run {run + 1} {name:9} {workload:18}",
                        lambda phase, rate, cost: results.setdefault((workload, phase, name), []).append((rate, cost)),
                        bootstrap, security)
        finally:
            broker.stop()
    print()
    print(f"Medians of {args.runs} runs (MB/s of record values; broker CPU seconds per GB):")
    print()
    print("| workload | phase | PLAINTEXT MB/s | SASL_SSL MB/s | PLAINTEXT CPU s/GB | SASL_SSL CPU s/GB | TLS extra CPU s/GB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for workload, *_ in workloads(args.scale):
        for phase in ("produce", "consume"):
            plain = results[(workload, phase, "PLAINTEXT")]
            secure = results[(workload, phase, "SASL_SSL")]
            plain_cpu = statistics.median(r[1] for r in plain)
            secure_cpu = statistics.median(r[1] for r in secure)
            print(f"| {workload} | {phase} | {statistics.median(r[0] for r in plain):.1f} | "
                  f"{statistics.median(r[0] for r in secure):.1f} | {plain_cpu:.2f} | {secure_cpu:.2f} | "
                  f"{secure_cpu - plain_cpu:+.2f} |")
    print()
    print(f"Connection setup, new librdkafka client to first metadata ({CONNECTIONS} per listener and run, medians):")
    print()
    print("| listener | p50 ms | p95 ms | broker CPU ms per connection |")
    print("|---|---:|---:|---:|")
    for name in ("PLAINTEXT", "SASL_SSL"):
        rows = setups[name]
        print(f"| {name}{' (SCRAM-SHA-256)' if name == 'SASL_SSL' else ''} | "
              f"{statistics.median(r[0] for r in rows):.1f} | {statistics.median(r[1] for r in rows):.1f} | "
              f"{statistics.median(r[2] for r in rows):.2f} |")


if __name__ == "__main__":
    main()
