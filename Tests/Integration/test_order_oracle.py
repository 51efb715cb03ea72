"""The oracle of test_analyze.py checked on its own, on small hand-built inputs whose answers
follow from Sources/Analyzer/README.md by hand, and against the generator's intent. No broker,
no aseed: these run anywhere in a second or two."""
import json
import random
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest

import order_oracle as oracle
from order_oracle import KafkaRecord, Malformed

BASE = "2026-03-02T10:00:"  # + "SS.ffffffZ": every hand-built order falls in one hour


def value(order_id="O-1", product="P-A", price="10.00", quantity=1, at="2026-03-02T10:00:00Z",
          customer="C-1", category="Cat", name=None) -> bytes:
    """A valid order's JSON with the price written as given (raw JSON number text)."""
    return (f'{{"order_id": {json.dumps(order_id)}, "product_id": {json.dumps(product)}, '
            f'"product_name": {json.dumps(name or product + " name")}, "category": {json.dumps(category)}, '
            f'"price": {price}, "quantity": {quantity}, "customer_id": {json.dumps(customer)}, '
            f'"timestamp": {json.dumps(at)}}}').encode()


def partitions(*rows) -> dict[int, list[KafkaRecord]]:
    """Records from (partition, value) rows, offsets counted per partition in row order."""
    result: dict[int, list[KafkaRecord]] = {}
    for partition, data in rows:
        records = result.setdefault(partition, [])
        records.append(KafkaRecord(partition, len(records), b"k", data))
    return result


def at_minute(minute: int, second: float = 0.0) -> str:
    """A timestamp `minute` minutes and `second` seconds after 10:00 UTC."""
    hour, minute = 10 + minute // 60, minute % 60
    return f"2026-03-02T{hour:02d}:{minute:02d}:{second:09.6f}Z"


# -- timestamps


@pytest.mark.parametrize("text, expected", [
    ("2026-03-02T10:00:00Z", "2026-03-02T10:00:00.000000Z"),
    ("2026-03-02 10:00:00", "2026-03-02T10:00:00.000000Z"),  # no zone: UTC
    ("2026-03-02T12:00:00.5+02:00", "2026-03-02T10:00:00.500000Z"),
    ("2026-03-02T05:00:00.123-0500", "2026-03-02T10:00:00.123000Z"),
    ("2026-03-02T15:30:00.123456789+0530", "2026-03-02T10:00:00.123456Z"),  # digits past 6 dropped
    ("2026-03-02T00:30:00-09:30", "2026-03-02T10:00:00.000000Z"),
    ("2024-02-29T23:59:59.999999Z", "2024-02-29T23:59:59.999999Z"),
    ("2026-03-01T23:00:00-11:00", "2026-03-02T10:00:00.000000Z"),  # the day changes
])
def test_accepted_timestamps(text, expected):
    assert oracle.iso_utc(oracle.parse_timestamp(text)) == expected


@pytest.mark.parametrize("text", [
    "2026-02-29T10:00:00Z", "2026-04-31T10:00:00Z", "2026-03-02T10:00Z", "2026-03-02", "1772445600",
    "2026-03-02T10:00:00.Z", "2026-03-02T10:00:00.1234567890Z", "2026-03-02T10:00:00+02",
    "2026-03-02T10:00:00 Z", "2026-03-02T10:00:00Z\n", "２０２６-03-02T10:00:00Z", "2026-03-02T10:00:00+24:00",
])
def test_rejected_timestamps(text):
    assert oracle.parse_timestamp(text) is None


# -- malformed records, one reason each, and the order of the reasons


@pytest.mark.parametrize("data, reason", [
    (None, "invalid-json"),
    (b"", "invalid-json"),
    (b"   ", "invalid-json"),
    (b'{"order_id": "O-\xff"}', "invalid-json"),
    (value(price="NaN"), "invalid-json"),
    (value()[:-1], "invalid-json"),
    (value() + b"[]", "invalid-json"),
    (b"null", "not-an-object"),
    (b"[1, 2]", "not-an-object"),
    (b'"text"', "not-an-object"),
    (b"{}", "missing-field"),
    (value().replace(b'"customer_id"', b'"customer"'), "missing-field"),
    (value(price="null"), "missing-field"),
    (value(price="null", quantity='"2"'), "missing-field"),  # missing beats wrong type
    (value(price='"10.00"'), "wrong-type"),
    (value(price="true"), "wrong-type"),
    (value(quantity="2.5"), "wrong-type"),
    (value(quantity="2.0"), "wrong-type"),
    (value(quantity="2e0"), "wrong-type"),
    (value(quantity="false"), "wrong-type"),
    (value(order_id=7), "wrong-type"),
    (value(quantity="2.5", at="soon"), "wrong-type"),  # wrong type beats bad timestamp
    (value(at="2026-02-30T10:00:00Z"), "bad-timestamp"),
    (value(at="yesterday", price="-1"), "bad-timestamp"),  # bad timestamp beats negative price
    (value(price="-0.01"), "negative-price"),
    (value(price="-0.01", quantity=-1), "negative-price"),
    (value(price="-1e12"), "negative-price"),  # negative beats out of range
    (value(quantity=-3), "negative-quantity"),
    (value(quantity=-3, price="1e12"), "negative-quantity"),
    (value(price="1000000000"), "out-of-range"),
    (value(price="999999999.999999"), None),
    (value(quantity=10**9), "out-of-range"),
    (value(quantity=10**9 - 1), None),
])
def test_malformed_reasons(data, reason):
    if reason is None:
        oracle.decode_order(data)
        return
    with pytest.raises(Malformed) as raised:
        oracle.decode_order(data)
    assert raised.value.reason == reason


def test_a_repeated_key_counts_its_last_value():
    data = value().replace(b'"price": 10.00', b'"price": "free", "price": 10.00')
    assert oracle.decode_order(data).price == 10_000_000
    with pytest.raises(Malformed):
        oracle.decode_order(value().replace(b'"price": 10.00', b'"price": 10.00, "price": "free"'))


@pytest.mark.parametrize("text, micros", [
    ("12.34", 12_340_000), ("1.25e1", 12_500_000), ("7", 7_000_000), ("0.0000005", 0), ("0.0000015", 2),
    ("19.9999995", 20_000_000), ("12.3456785", 12_345_678), ("12.34567851", 12_345_679),
])
def test_prices_are_kept_to_six_decimals_half_to_even(text, micros):
    assert oracle.decode_order(value(price=text)).price == micros


# -- duplicates and lateness


def test_lateness_is_decided_per_partition():
    result = oracle.stream_pass(partitions(
        (0, value("A", at=at_minute(10))),
        (0, value("B", at=at_minute(9, 30))),  # exactly the watermark: on time
        (0, value("C", at=at_minute(9, 29.999999))),  # a microsecond before it: late
        (1, value("D", at=at_minute(9, 0))),  # far behind partition 0, but partition 1 is its own
        (1, value("E", at=at_minute(8, 29))),  # 31 s behind partition 1: late
    ))
    late = {c.order.order_id: c.late for c in result.counted}
    assert late == {"A": False, "B": False, "C": True, "D": False, "E": True}
    assert result.late_by_closed_window == 0


def random_arrival(placed, seed):
    """The first record of every partition, then the rest in a random interleaving that keeps
    each partition's own order: how fetches from several partitions may come in."""
    rng = random.Random(seed)
    queues = [list(records) for _, records in sorted(placed.items())]
    arrival = [queue.pop(0) for queue in queues if queue]
    while any(queues):
        arrival.append(rng.choice([q for q in queues if q]).pop(0))
    return arrival


def test_the_result_does_not_depend_on_how_partitions_interleave():
    rows = [(p, value(f"O{p}-{i}", at=at_minute(i // 2, (7 * i + 13 * p) % 60), product=f"P-{i % 3}"))
            for i in range(40) for p in range(3)]
    placed = partitions(*rows)
    in_turn, result = oracle.analyze(placed)
    assert any(c.late for c in result.counted)
    for seed in range(5):
        assert oracle.analyze(placed, arrival=random_arrival(placed, seed))[0] == in_turn


def test_an_order_for_a_window_the_watermark_has_closed_is_late():
    """Only possible while some partition has no orders yet (or is idle): partition 1's first
    order is on time for its own partition, but partition 0 has already closed its window."""
    placed = partitions((0, value("A", at=at_minute(10))), (1, value("B", at=at_minute(5))))
    result = oracle.stream_pass(placed, arrival=[placed[0][0], placed[1][0]])
    assert [c.late for c in result.counted] == [False, True]
    assert result.late_by_closed_window == 1


def test_a_duplicate_is_dropped_and_counted_once():
    snapshot, result = oracle.analyze(partitions(
        (0, value("A", price="5.00", at=at_minute(10))),
        (0, value("A", price="5.00", at=at_minute(10))),
        (0, value("L", at=at_minute(1))),  # late
        (0, value("L", at=at_minute(1))),  # a duplicate of a late order: only a duplicate
        (1, value("A", price="7.00", at=at_minute(10))),  # another partition, same id: still a duplicate
    ))
    pipeline = snapshot["pipeline"]
    assert (pipeline["records_in"], pipeline["orders_counted"], pipeline["duplicates"], pipeline["late_records"]) == \
        (5, 2, 3, 1)
    assert snapshot["totals"]["revenue"] == Decimal("15.00")


# -- money


@pytest.mark.parametrize("fraction, places, expected", [
    (Fraction(15, 1000), 2, "0.02"), (Fraction(-15, 1000), 2, "-0.02"), (Fraction(14999, 1000000), 2, "0.01"),
    (Fraction(12505, 1000), 2, "12.51"), (Fraction(10, 3), 4, "3.3333"), (Fraction(2, 3), 4, "0.6667"),
    (Fraction(0), 2, "0.00"),
])
def test_round_half_away_from_zero(fraction, places, expected):
    assert str(oracle.round_half_away(fraction, places)) == expected


def test_avg_price_and_average_order_value_round_the_exact_mean():
    snapshot, _ = oracle.analyze(partitions(
        (0, value("A", price="0.01", quantity=1, at=at_minute(0, 1))),
        (0, value("B", price="0.02", quantity=0, at=at_minute(0, 2))),
        (0, value("C", product="P-B", price="12.50", quantity=1, at=at_minute(0, 3))),
        (0, value("D", product="P-B", price="12.51", quantity=1, at=at_minute(0, 4))),
    ))
    products = {p["product_id"]: p for p in snapshot["products"]}
    assert products["P-A"]["avg_price"] == Decimal("0.02")  # (0.01 + 0.02) / 2 = 0.015
    assert products["P-A"]["total_revenue"] == Decimal("0.01")  # the second order has quantity 0
    assert products["P-B"]["avg_price"] == Decimal("12.51")  # 12.505
    window = snapshot["windows"]["items"][0]
    assert window["average_order_value"] == Decimal("6.26")  # 25.02 / 4 = 6.255
    assert snapshot["totals"]["average_order_value"] == Decimal("6.26")


def test_categories_and_rankings_break_ties_as_the_readme_says():
    snapshot, _ = oracle.analyze(partitions(
        (0, value("1", product="P-B", price="5.00", quantity=2, category="Y", at=at_minute(0, 1))),
        (0, value("2", product="P-A", price="5.00", quantity=2, category="X", at=at_minute(0, 2))),
        (0, value("3", product="P-C", price="1.00", quantity=5, category="Z", at=at_minute(0, 3))),
        (0, value("4", product="P-C", price="1.00", quantity=5, category="Z", at=at_minute(0, 4))),
    ))
    assert [c["category"] for c in snapshot["categories"]] == ["X", "Y", "Z"]  # equal revenue: by name
    ranked = {name: [row["product_id"] for row in rows] for name, rows in snapshot["top_products"]["all"].items()}
    assert ranked["orders"] == ["P-C", "P-A", "P-B"]
    assert ranked["units"] == ["P-C", "P-A", "P-B"]  # P-A and P-B: 2 units and 10.00 each, then id
    assert ranked["revenue"] == ["P-C", "P-A", "P-B"]  # 10.00 each: orders, then id


def test_recent_orders_are_newest_first_ties_by_order_id_descending():
    snapshot, _ = oracle.analyze(partitions(
        (0, value("O-2", at=at_minute(0, 5))), (0, value("O-9", at=at_minute(0, 5))),
        (0, value("O-1", at=at_minute(0, 6))), (0, value("O-5", at=at_minute(0, 1))),
    ))
    assert [o["order_id"] for o in snapshot["recent_orders"]] == ["O-1", "O-9", "O-2", "O-5"]


def test_sliding_spans_end_at_the_bucket_of_the_largest_event_time():
    rows = [(0, value(f"O-{m}", product=f"P-{m:02d}", at=at_minute(m, 30))) for m in range(20)]
    snapshot, _ = oracle.analyze(partitions(*rows))
    five = [row["product_id"] for row in snapshot["top_products"]["5m"]["orders"]]
    assert five == ["P-15", "P-16", "P-17", "P-18", "P-19"]
    assert len(snapshot["top_products"]["15m"]["orders"]) == 10  # N = 10


# -- alerts


def test_a_flash_sale_raises_a_rising_alert_in_its_first_window():
    rows = [(0, value(f"A{m}", at=at_minute(m, 10))) for m in range(4)]  # one order a minute
    rows += [(0, value(f"S{i}", at=at_minute(4, 10 + i))) for i in range(6)]  # 6 >= 3 x 1 and >= 1 + 5
    rows += [(0, value(f"Z{m}", product="P-Z", at=at_minute(m, 50))) for m in range(4, 6)]  # closes minute 4
    snapshot, _ = oracle.analyze(partitions(*rows))
    assert snapshot["alerts"] == [{"kind": "rising", "subject": "P-A", "window_start": at_minute(4),
                                   "value": 6, "baseline": Decimal("1.0000")}]


def test_no_product_alert_before_three_positions_or_below_mean_plus_five():
    rows = [(0, value(f"A{m}", at=at_minute(m, 10))) for m in range(2)]
    rows += [(0, value(f"S{i}", at=at_minute(2, 10 + i))) for i in range(6)]  # only 2 positions before
    rows += [(0, value(f"T{i}", at=at_minute(3, 10 + i))) for i in range(5)]  # 5 < mean 2.67 + 5
    rows += [(0, value("Z", product="P-Z", at=at_minute(5)))]
    snapshot, _ = oracle.analyze(partitions(*rows))
    assert snapshot["alerts"] == []


def test_anomaly_comes_first_in_its_window():
    rows = []
    for m in range(10):  # 10 or 12 orders a minute: mean 11, s = 1
        rows += [(0, value(f"B{m}-{i}", product="P-B", at=at_minute(m, i))) for i in range(10 + 2 * (m % 2))]
    rows += [(0, value(f"A{i}", product="P-A", at=at_minute(10, i))) for i in range(6)]
    rows += [(0, value(f"C{i}", product="P-B", at=at_minute(10, 10 + i))) for i in range(14)]
    rows += [(0, value("Z", product="P-Z", at=at_minute(11, 31)))]  # the watermark passes 10:11:00
    snapshot, _ = oracle.analyze(partitions(*rows))
    alerts = [(a["kind"], a.get("subject"), a["value"], a["baseline"]) for a in snapshot["alerts"]]
    assert alerts == [("orders-anomaly", None, 20, Decimal("11.0000")), ("rising", "P-A", 6, Decimal("0.0000"))]


def test_a_falling_product_needs_a_mean_of_five():
    rows = []
    for m in range(3):
        rows += [(0, value(f"B{m}-{i}", product="P-B", at=at_minute(m, i))) for i in range(6)]
        rows += [(0, value(f"C{m}-{i}", product="P-C", at=at_minute(m, 30 + i))) for i in range(4)]
    rows += [(0, value("D", product="P-D", at=at_minute(3, 1))), (0, value("Z", product="P-Z", at=at_minute(4, 31)))]
    snapshot, _ = oracle.analyze(partitions(*rows))
    # P-B: 6 a minute, then none: falling. P-C: mean 4 < 5: nothing.
    assert [(a["kind"], a["subject"], a["value"]) for a in snapshot["alerts"]] == [("falling", "P-B", 0)]


# -- the generator, read by the oracle


@pytest.fixture(scope="module")
def small_stream():
    records = oracle.generate_stream(seed=7, orders=6000, minutes=8)
    placed = oracle.place(records)
    return records, placed, oracle.stream_pass(placed)


def test_the_generator_is_deterministic():
    once, twice = (oracle.generate_stream(seed=3, orders=500, minutes=2) for _ in range(2))
    assert once == twice


def test_the_oracle_finds_what_the_generator_meant(small_stream):
    records, placed, result = small_stream
    intents = {}
    counters = {p: 0 for p in placed}
    for record in records:
        p = oracle.java_partition(record.key, oracle.PARTITIONS)
        intents[(p, counters[p])] = record
        counters[p] += 1
    for record, reason in result.malformed:
        assert intents[(record.partition, record.offset)].intent == reason, intents[(record.partition, record.offset)]
    assert len(result.malformed) == sum(1 for r in records if r.intent in oracle.REASONS)
    assert result.duplicates == sum(1 for r in records if r.intent == "duplicate")
    for counted in result.counted:
        intent = intents[(counted.partition, counted.offset)].intent
        assert counted.late == (intent in ("late", "boundary-late")), (intent, counted)
    assert result.late_by_closed_window == 0 and result.ambiguities == []


def test_the_generator_covers_every_case():
    records = oracle.generate_stream(seed=11, orders=30_000, minutes=36)
    labels = Counter(r.label for r in records if r.intent in oracle.REASONS)
    assert set(labels) == {case.label for case in oracle.malformed_cases()}
    assert {r.intent for r in records} >= {"order", "late", "duplicate", "boundary-on-time", "boundary-late",
                                            *oracle.REASONS}


# -- comparing


def test_differences_name_the_field():
    expected = {"totals": {"revenue": Decimal("1.00")},
                "products": [{"product_id": "P-A", "total_revenue": Decimal("2.50"), "order_count": 3}]}
    actual = json.loads('{"totals": {"revenue": 1.0}, "products": [{"product_id": "P-A", "total_revenue": 2.49,'
                        ' "order_count": 3.0}], "extra": 1}', parse_float=Decimal)
    assert oracle.differences(expected, actual) == [
        "products/P-A/total_revenue: expected 2.50, got 2.49",
        "products/P-A/order_count: expected 3, got 3.0",
    ]
    swapped = {"products": [{"product_id": "P-B"}, {"product_id": "P-A"}]}
    assert oracle.differences({"products": [{"product_id": "P-A"}, {"product_id": "P-B"}]}, swapped) == [
        "products: 2 items expected, 2 got; from #0: expected ['P-A', 'P-B'], got ['P-B', 'P-A']"]
