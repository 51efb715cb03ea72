"""The ASEED order analytics as an Apache Flink job (PyFlink 2.0): the same figures as the
built-in analyzer (Sources/Analyzer/README.md), computed by a Flink cluster that scales out.

The pipeline, and why each part is what it is:

1. Source (Flink SQL, Kafka connector, `raw` format): every record's value as bytes with its
   `partition` and `offset` metadata. The SQL source is the one that exposes the partition; the
   analyzer's late rule is per partition.
2. `Classify` (Python, keyed by partition): validation with the analyzer's exact malformed
   reasons (order_rules.py), the duplicate check, the per-partition watermark and the late
   rule, and each partition's share of every tumbling window. Python because none of this
   fits SQL (see order_rules.py), and keyed by partition because the late rule depends on the
   order of records inside their partition, which a keyBy on the partition keeps (one source
   split -> one channel -> one subtask).
3. All-time figures (Flink SQL, GROUP BY, Java): totals, per product, per category, the
   counters. Money is exact: prices are BIGINT micro-units, sums DECIMAL(38, 0).
4. `CloseWindows` (Python, one subtask): a window is closed when every partition's watermark
   has passed its end, the analyzer's rule. Flink's own event-time windows would need the
   watermark of each Kafka partition inside the source, and PyFlink runs a Python timestamp
   assigner as a separate operator after the source, where partitions are already mixed; so
   the partitions' watermarks travel as data from `Classify` instead. Each closed window goes
   once to the output topic through Flink's Kafka sink, EXACTLY_ONCE (Kafka transactions
   committed when a checkpoint completes).
5. `Publish` (Python, one subtask) is the sink of the results' changelog: it keeps the latest
   row per key in keyed state and POSTs the figures to the dashboard every few seconds while
   something changed, and once at the end of a bounded run. In the job rather than on the
   client, because Flink's collect sink (`execute_and_collect`) cannot be restored from a
   checkpoint ("userVisibleTail should not be larger than offset"), and restarts must work.

Run `python orders_job.py --help` for the options; README.md beside this file for the rest.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import pathlib
import site
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import order_rules as rules  # noqa: E402
import results  # noqa: E402


def log(message: str) -> None:
    results.log(message, stderr=True)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--bootstrap-servers", default="localhost:9092")
    parser.add_argument("--topic", default="orders")
    parser.add_argument("--parallelism", type=int, default=2)
    parser.add_argument("--dashboard", default=None, help="dashboard URL, e.g. http://localhost:5005")
    parser.add_argument("--token", default=os.environ.get("ASEED_ADMIN_TOKEN"),
                        help="admin token of the dashboard (default: $ASEED_ADMIN_TOKEN)")
    parser.add_argument("--bounded", action="store_true",
                        help="read up to the end offsets found at start, then finish")
    parser.add_argument("--output-topic", default="orders.flink-windows")
    parser.add_argument("--transactional-id-prefix", default="aseed-flink-windows")
    parser.add_argument("--checkpoint-dir", default=None, help="where checkpoints go (default: a temporary directory)")
    parser.add_argument("--checkpoint-interval-ms", type=int, default=5000)
    parser.add_argument("--from-checkpoint", default=None,
                        help="restore from this checkpoint (a chk-N directory, or a directory holding some: the newest)")
    parser.add_argument("--window-seconds", type=int, default=60)
    parser.add_argument("--watermark-delay-seconds", type=int, default=30)
    parser.add_argument("--restart-attempts", type=int, default=3)
    parser.add_argument("--post-interval-seconds", type=float, default=3.0)
    parser.add_argument("--group-id", default="aseed-flink")
    parser.add_argument("--result-json", default=None,
                        help="write the final figures here, in the analyzer snapshot's field names")
    parser.add_argument("--python-mode", choices=("thread", "process"), default="thread",
                        help="thread: the Python functions run inside the Java task threads (PEMJA), no "
                             "serialization between them; process: in separate Python workers (Beam)")
    parser.add_argument("--flink-log-dir", default=os.environ.get("FLINK_LOG_DIR"),
                        help="where Flink's own log goes (default: $FLINK_LOG_DIR, else a temporary directory)")
    parser.add_argument("--jars-dir", default=os.path.join(sys.prefix, "flink-jars"),
                        help="where setup.sh put the Kafka connector jars")
    return parser.parse_args(argv)


# --------------------------------------------------------------------------------------------
# Python operators (they run in Flink's Python workers; imports stay inside)


def classify_function(delay: int, window: int):
    from pyflink.common import Row
    from pyflink.common.typeinfo import Types
    from pyflink.datastream import KeyedProcessFunction, OutputTag
    from pyflink.datastream.state import MapStateDescriptor, ValueStateDescriptor

    window_tag = OutputTag("window-shares", Types.PICKLED_BYTE_ARRAY())

    class Classify(KeyedProcessFunction):
        """One partition's records in offset order -> one row per record (an order with its
        late flag, a duplicate, or a malformed reason), and on the side the partition's final
        share of each window and its watermark, whenever the watermark passes a window end.

        Its keyed state (checkpointed) is mirrored in memory: a read of PyFlink state that
        misses its cache is a round trip to the Java side, and the duplicate check misses for
        every new order id. Each partition's state is read once, at its first record in this
        worker (after a start or a restore); writes go to both."""

        def open(self, context):
            self.newest_state = context.get_state(ValueStateDescriptor("newest-event-time", Types.LONG()))
            self.seen_state = context.get_map_state(
                MapStateDescriptor("order-ids", Types.STRING(), Types.BOOLEAN()))
            self.shares_state = context.get_map_state(
                MapStateDescriptor("open-window-shares", Types.LONG(), Types.PICKLED_BYTE_ARRAY()))
            self.partitions = {}  # partition -> [newest event time, order ids, open window shares]

        def memory(self, partition):
            found = self.partitions.get(partition)
            if found is None:
                found = [self.newest_state.value(), set(self.seen_state.keys()), dict(self.shares_state.items())]
                self.partitions[partition] = found
            return found

        def process_element(self, record, ctx):
            partition, value = record[0], record[2]
            try:
                order = rules.decode_order(value)
            except rules.Malformed as error:
                yield Row(error.reason, None, None, None, None, None, None, None, None, None)
                return
            memory = self.memory(partition)
            newest, seen, shares = memory
            # Duplicates: a producer retry or a replay writes the same key, so the copy lands in
            # the same partition as the first; the first occurrence counts.
            if order.order_id in seen:
                yield Row("duplicate", order.order_id, None, None, None, None, None, None, None, None)
                return
            seen.add(order.order_id)
            self.seen_state.put(order.order_id, True)
            late = newest is not None and order.time < newest - delay
            yield Row("order", order.order_id, order.product_id, order.product_name, order.category,
                      order.customer_id, order.price, order.quantity, order.time, late)
            if not late:
                start = rules.window_start(order.time, window)
                orders, units, revenue = shares.get(start, (0, 0, 0))
                shares[start] = (orders + 1, units + order.quantity, revenue + order.price * order.quantity)
                self.shares_state.put(start, shares[start])
            if newest is not None and order.time <= newest:
                return
            memory[0] = order.time
            self.newest_state.update(order.time)
            # Windows whose end the partition's watermark has reached can get no more orders
            # from it (they would be late): its share of them is final.
            passed = rules.window_start(order.time - delay, window)
            if newest is not None and passed == rules.window_start(newest - delay, window):
                return
            for start in sorted(start for start in shares if start + window <= passed):
                yield window_tag, ("share", partition, start, *shares.pop(start))
                self.shares_state.remove(start)
            yield window_tag, ("watermark", partition, passed)

    return Classify(), window_tag


def close_windows_function(partitions: int, window: int):
    from pyflink.common import Row
    from pyflink.datastream import KeyedProcessFunction
    from pyflink.common.typeinfo import Types
    from pyflink.datastream.state import MapStateDescriptor

    class CloseWindows(KeyedProcessFunction):
        """Adds up the partitions' shares of each window and emits a window once, when the
        smallest partition watermark has reached its end (a partition that has no order yet
        holds every window open, as in the analyzer)."""

        def open(self, context):
            self.watermarks = context.get_map_state(MapStateDescriptor("watermarks", Types.INT(), Types.LONG()))
            self.sums = context.get_map_state(
                MapStateDescriptor("window-sums", Types.LONG(), Types.PICKLED_BYTE_ARRAY()))

        def process_element(self, message, ctx):
            if message[0] == "share":
                _, _, start, orders, units, revenue = message
                before = self.sums.get(start) or (0, 0, 0)
                self.sums.put(start, (before[0] + orders, before[1] + units, before[2] + revenue))
                return
            _, partition, watermark = message
            self.watermarks.put(partition, watermark)
            known = list(self.watermarks.values())
            if len(known) < partitions:
                return
            reached = min(known)
            for start in sorted(s for s in self.sums.keys() if s + window <= reached):
                orders, units, revenue = self.sums.get(start)
                self.sums.remove(start)
                key = rules.iso_utc(start)
                value = json.dumps({
                    "start": key, "end": rules.iso_utc(start + window), "orders": orders, "units": units,
                    "revenue": rules.money_json(rules.cents(revenue)), "revenue_micros": str(revenue)})
                yield Row(key, value, orders, units, str(revenue))

    return CloseWindows()


def publish_function(dashboard, interval_ms: int, window_seconds: int, result_json: str | None):
    from pyflink.common import RowKind
    from pyflink.common.typeinfo import Types
    from pyflink.datastream import KeyedProcessFunction
    from pyflink.datastream.state import MapStateDescriptor

    class Publish(KeyedProcessFunction):
        """The sink of the results' changelog (one subtask): keeps the latest row per (kind,
        key) in keyed state, so a restored job goes on from the figures of its checkpoint,
        POSTs them to the dashboard at most every `interval_ms` while they change, and once
        more when the input ends (a bounded run), writing them to `result_json` then too."""

        def open(self, context):
            self.state = context.get_map_state(
                MapStateDescriptor("latest-results", Types.STRING(), Types.PICKLED_BYTE_ARRAY()))
            self.rows = None  # the state in memory, read at the first row after a (re)start
            self.changed = False
            self.timer = None
            self.batch = 0
            self.missing_routes = set()

        def process_element(self, row, ctx):
            if self.rows is None:
                self.rows = dict(self.state.items())
            values = tuple(row[i] for i in range(len(results.COLUMNS)))
            key = f"{values[0]}\x00{values[1]}"
            kind = row.get_row_kind()
            if kind == RowKind.UPDATE_BEFORE:
                return  # the UPDATE_AFTER that follows replaces it
            if kind == RowKind.DELETE:
                self.rows.pop(key, None)
                self.state.remove(key)
            else:
                self.rows[key] = values
                self.state.put(key, values)
            self.changed = True
            if self.timer is None:
                self.timer = ctx.timer_service().current_processing_time() + interval_ms
                ctx.timer_service().register_processing_time_timer(self.timer)
            yield from ()

        def on_timer(self, timestamp, ctx):
            self.timer = None
            self.publish()
            yield from ()  # emits nothing; PyFlink's process mode wants an iterable

        def publish(self):
            if not self.changed or dashboard is None or self.rows is None:
                return
            self.batch += 1
            dashboard.post(self.batch, results.figures(self.rows.values(), window_seconds), self.missing_routes)
            self.changed = False

        def close(self):
            if self.rows is None:
                return
            self.changed = True
            self.publish()
            if result_json:
                current = results.figures(self.rows.values(), window_seconds)
                with open(result_json, "w") as out:
                    json.dump(current, out, default=results.to_json, indent=1)
            log(f"results published: {len(self.rows)} rows")

    return Publish()


# --------------------------------------------------------------------------------------------
# The job graph


def find_checkpoint(path: str) -> str:
    """A chk-N directory with its _metadata: `path` itself, or the newest one under it."""
    if os.path.exists(os.path.join(path, "_metadata")):
        return path
    found = glob.glob(os.path.join(path, "**", "chk-*", "_metadata"), recursive=True)
    if not found:
        raise SystemExit(f"no completed checkpoint (chk-N/_metadata) under {path}")
    newest = max(found, key=lambda p: (os.path.getmtime(p), int(p.split("chk-")[-1].split(os.sep)[0])))
    return os.path.dirname(newest)


def partition_count(bootstrap: str, topic: str) -> int:
    """How many partitions the topic has: the window closer waits for each one's watermark."""
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(bootstrap_servers=bootstrap.split(","), client_id="aseed-flink-metadata")
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            partitions = consumer.partitions_for_topic(topic)
            if partitions:
                return len(partitions)
            time.sleep(0.5)
    finally:
        consumer.close()
    raise SystemExit(f"topic {topic} not found on {bootstrap}")


def sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def build(args):
    """The environments and the results stream; the Kafka sink is attached to the same job."""
    from pyflink.common import Configuration
    from pyflink.common.typeinfo import Types
    from pyflink.datastream import CheckpointingMode, StreamExecutionEnvironment
    from pyflink.table import StreamTableEnvironment

    jars = [os.path.join(args.jars_dir, name) for name in ("flink-connector-kafka.jar", "kafka-clients.jar")]
    missing = [jar for jar in jars if not os.path.exists(jar)]
    if missing:
        raise SystemExit(f"missing {', '.join(missing)}: run examples/flink/setup.sh (or give --jars-dir)")
    scratch = os.environ.get("TMPDIR", "/tmp")
    checkpoint_dir = os.path.abspath(args.checkpoint_dir or os.path.join(scratch, f"aseed-flink-checkpoints-{os.getpid()}"))
    # The Java side (started by the first PyFlink call below) logs there; PyFlink's default is
    # inside the installed package, where every run would overwrite the last.
    os.environ["FLINK_LOG_DIR"] = os.path.abspath(args.flink_log_dir or os.path.join(scratch, "aseed-flink-logs"))
    os.makedirs(os.environ["FLINK_LOG_DIR"], exist_ok=True)
    os.environ["ASEED_FLINK_MESSAGES"] = os.path.join(os.environ["FLINK_LOG_DIR"], "orders-job.log")
    if args.python_mode == "thread":
        # The embedded interpreter starts with the base Python's path, without the virtualenv.
        paths = [str(HERE), *site.getsitepackages(), os.environ.get("PYTHONPATH", "")]
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    log(f"checkpoints in {checkpoint_dir}; Flink's log in {os.environ['FLINK_LOG_DIR']}, the job's messages "
        f"(POSTs to the dashboard) in {os.environ['ASEED_FLINK_MESSAGES']}")

    config = Configuration()
    config.set_string("pipeline.jars", ";".join(pathlib.Path(jar).as_uri() for jar in jars))
    # The Python workers run the job's functions with this same interpreter (the virtualenv).
    config.set_string("python.executable", sys.executable)
    config.set_string("python.client.executable", sys.executable)
    # PyFlink's chaining of Python operators (PythonOperatorChainingOptimizer) drops the
    # transformations of an attached statement set, here the Kafka sink of the windows: with
    # it on, the job runs without ever writing them.
    config.set_string("python.operator-chaining.enabled", "false")
    config.set_string("python.execution-mode", args.python_mode)
    config.set_string("execution.checkpointing.dir", pathlib.Path(checkpoint_dir).as_uri())
    # A killed job leaves its checkpoints behind, so that it can be restarted from them.
    config.set_string("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION")
    config.set_string("execution.checkpointing.num-retained", "3")
    if args.from_checkpoint:
        restore = find_checkpoint(args.from_checkpoint)
        log(f"restoring from {restore}")
        config.set_string("execution.state-recovery.path", restore)
    # A failing job (the broker gone, say) gives up after a few tries instead of retrying forever.
    config.set_string("restart-strategy.type", "fixed-delay")
    config.set_string("restart-strategy.fixed-delay.attempts", str(args.restart_attempts))
    config.set_string("restart-strategy.fixed-delay.delay", "2 s")
    env = StreamExecutionEnvironment.get_execution_environment(config)
    env.set_parallelism(args.parallelism)
    env.enable_checkpointing(args.checkpoint_interval_ms, CheckpointingMode.EXACTLY_ONCE)
    for module in ("order_rules.py", "results.py"):
        env.add_python_file(str(HERE / module))

    t_env = StreamTableEnvironment.create(env)
    table_config = t_env.get_config()
    # Aggregate a second of input before emitting updates: the changelog to the client then
    # carries one update per product per second, not one per order.
    table_config.set("table.exec.mini-batch.enabled", "true")
    table_config.set("table.exec.mini-batch.allow-latency", "1 s")
    table_config.set("table.exec.mini-batch.size", "5000")

    bounded = "'scan.bounded.mode' = 'latest-offset'," if args.bounded else ""
    t_env.execute_sql(f"""
        CREATE TEMPORARY TABLE order_records (
            `partition` INT METADATA VIRTUAL,
            `offset` BIGINT METADATA VIRTUAL,
            `value` BYTES
        ) WITH (
            'connector' = 'kafka',
            'topic' = {sql_text(args.topic)},
            'properties.bootstrap.servers' = {sql_text(args.bootstrap_servers)},
            'properties.group.id' = {sql_text(args.group_id)},
            'scan.startup.mode' = 'earliest-offset',
            {bounded}
            'format' = 'raw'
        )""")
    t_env.execute_sql(f"""
        CREATE TEMPORARY TABLE window_results (
            k STRING,
            v STRING
        ) WITH (
            'connector' = 'kafka',
            'topic' = {sql_text(args.output_topic)},
            'properties.bootstrap.servers' = {sql_text(args.bootstrap_servers)},
            'key.format' = 'raw',
            'key.fields' = 'k',
            'value.format' = 'raw',
            'value.fields-include' = 'EXCEPT_KEY',
            'sink.delivery-guarantee' = 'exactly-once',
            'sink.transactional-id-prefix' = {sql_text(args.transactional_id_prefix)},
            'properties.transaction.timeout.ms' = '900000'
        )""")

    delay, window = args.watermark_delay_seconds * rules.MICROS, args.window_seconds * rules.MICROS
    records = t_env.to_data_stream(t_env.sql_query("SELECT `partition`, `offset`, `value` FROM order_records"))
    classify, window_tag = classify_function(delay, window)
    classified_type = Types.ROW_NAMED(
        ["kind", "order_id", "product_id", "product_name", "category", "customer_id", "price", "quantity",
         "event_time", "late"],
        [Types.STRING()] * 6 + [Types.LONG(), Types.LONG(), Types.LONG(), Types.BOOLEAN()])
    classified = records.key_by(lambda record: record[0], key_type=Types.INT()) \
        .process(classify, output_type=classified_type).uid("classify").name("classify")
    windows = classified.get_side_output(window_tag) \
        .key_by(lambda message: 0, key_type=Types.INT()) \
        .process(close_windows_function(args.partitions, window), output_type=Types.ROW_NAMED(
            ["k", "v", "orders", "units", "revenue"],
            [Types.STRING(), Types.STRING(), Types.LONG(), Types.LONG(), Types.STRING()])) \
        .uid("close-windows").name("close-windows").set_parallelism(1)

    t_env.create_temporary_view("classified", t_env.from_data_stream(classified))
    t_env.create_temporary_view("closed_windows", t_env.from_data_stream(windows))
    t_env.create_temporary_view("orders", t_env.sql_query("SELECT * FROM classified WHERE kind = 'order'"))
    revenue = "CAST(price AS DECIMAL(38, 0)) * quantity"
    result_rows = t_env.sql_query(f"""
        SELECT kind, k, label, n1, n2, n3,
               -- exact sums as text: PyFlink's DataStream side cannot take DECIMAL(38, 0)
               CAST(d1 AS STRING) AS d1, CAST(d2 AS STRING) AS d2, t
        FROM (
        SELECT 'product' AS kind, product_id AS k,
               -- the name and category of the product's latest order by event time
               MAX(CONCAT(LPAD(CAST(event_time AS STRING), 20, '0'), JSON_ARRAY(category, product_name))) AS label,
               COUNT(*) AS n1, SUM(quantity) AS n2, CAST(NULL AS BIGINT) AS n3,
               CAST(SUM({revenue}) AS DECIMAL(38, 0)) AS d1,
               CAST(SUM(CAST(price AS DECIMAL(38, 0))) AS DECIMAL(38, 0)) AS d2, MAX(event_time) AS t
        FROM orders GROUP BY product_id
        UNION ALL
        SELECT 'category', category, CAST(NULL AS STRING), COUNT(*), SUM(quantity), COUNT(DISTINCT product_id),
               CAST(SUM({revenue}) AS DECIMAL(38, 0)), CAST(SUM(CAST(price AS DECIMAL(38, 0))) AS DECIMAL(38, 0)),
               MAX(event_time)
        FROM orders GROUP BY category
        UNION ALL
        SELECT 'totals', '', CAST(NULL AS STRING), COUNT(*), SUM(quantity), COUNT(DISTINCT customer_id),
               CAST(SUM({revenue}) AS DECIMAL(38, 0)), CAST(NULL AS DECIMAL(38, 0)), MAX(event_time)
        FROM orders
        UNION ALL
        SELECT 'counter', kind, CAST(NULL AS STRING), COUNT(*), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
               CAST(NULL AS DECIMAL(38, 0)), CAST(NULL AS DECIMAL(38, 0)), CAST(NULL AS BIGINT)
        FROM classified WHERE kind <> 'order' GROUP BY kind
        UNION ALL
        SELECT 'counter', 'late', CAST(NULL AS STRING), COUNT(*), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
               CAST(NULL AS DECIMAL(38, 0)), CAST(NULL AS DECIMAL(38, 0)), CAST(NULL AS BIGINT)
        FROM orders WHERE late
        UNION ALL
        SELECT 'window', k, v, orders, units, CAST(NULL AS BIGINT), CAST(revenue AS DECIMAL(38, 0)),
               CAST(NULL AS DECIMAL(38, 0)), CAST(NULL AS BIGINT)
        FROM closed_windows)""")

    statements = t_env.create_statement_set()
    statements.add_insert_sql("INSERT INTO window_results SELECT k, v FROM closed_windows")
    statements.attach_as_datastream()
    dashboard = results.Dashboard(args.dashboard, args.token, args.parallelism) if args.dashboard else None
    t_env.to_changelog_stream(result_rows) \
        .key_by(lambda row: 0, key_type=Types.INT()) \
        .process(publish_function(dashboard, int(args.post_interval_seconds * 1000), args.window_seconds,
                                  os.path.abspath(args.result_json) if args.result_json else None)) \
        .uid("publish").name("publish").set_parallelism(1)
    return env


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.dashboard and not args.token:
        log("no --token or ASEED_ADMIN_TOKEN: the dashboard will refuse the results (aseed run keeps its "
            "token in <data-dir>/dashboard/admin-token)")
    args.partitions = partition_count(args.bootstrap_servers, args.topic)
    log(f"topic {args.topic}: {args.partitions} partitions; parallelism {args.parallelism}; "
        f"{'bounded' if args.bounded else 'unbounded'}; windows to {args.output_topic} (exactly once)")
    env = build(args)
    started = time.monotonic()
    env.execute("aseed-orders")
    log(f"finished after {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
