"""Test orders for `aseed analyze` and an independent computation of what it must report.

Two halves that share nothing but the record type:

- `generate_stream` writes a seeded stream of order records the way a messy producer would:
  mixed timestamp formats, duplicates, late orders, every kind of malformed record. It knows
  what it meant each record to be (`TestRecord.intent`), which only the self-checks use.
- `analyze` (the oracle) recomputes, from the records as read back from Kafka, every figure of
  the snapshot that Sources/Analyzer/README.md defines: its own JSON validation, exact money
  with integers and fractions, the per-partition watermark. It never looks at `intent`, so a
  mistake in either half shows up as a disagreement instead of a silent agreement.

`produce_records` and `read_back` move the stream through a broker; `differences` compares an
expected snapshot with the analyzer's JSON and names the first few fields that differ.
"""
from __future__ import annotations

import datetime
import json
import math
import random
import re
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from fnmatch import fnmatchcase
from typing import Iterable, Mapping, Sequence

from kafka.partitioner.default import murmur2

TOPIC = "orders"
DLQ_TOPIC = "orders.dlq"
PARTITIONS = 3

REASONS = ("invalid-json", "not-an-object", "missing-field", "wrong-type", "bad-timestamp",
           "negative-price", "negative-quantity", "out-of-range")
# Reasons for whole batches that cannot be read; a generated stream never has any.
BATCH_REASONS = ("unreadable-batch", "batch-too-large")
FIELDS = ("order_id", "product_id", "product_name", "category", "price", "quantity", "customer_id", "timestamp")
STRING_FIELDS = ("order_id", "product_id", "product_name", "category", "customer_id", "timestamp")

MICROS = 1_000_000
MINUTE = 60 * MICROS
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class TestRecord:
    """One record to produce. `intent` is what the generator meant it to be: "order", "late",
    "duplicate", "boundary-on-time", "boundary-late" or a malformed reason."""

    __test__ = False  # not a pytest class despite the name

    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()
    intent: str = "order"
    label: str = ""


@dataclass(frozen=True)
class KafkaRecord:
    """One record as read back from a partition."""

    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()


def java_partition(key: bytes, partitions: int) -> int:
    """The partition the Java client's default partitioner (and librdkafka's murmur2_random)
    picks for a key: murmur2 with the sign bit masked, modulo the partition count."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


def place(records: Iterable[TestRecord], partitions: int = PARTITIONS) -> dict[int, list[KafkaRecord]]:
    """Where a broker puts the records when they are produced in order with keys: the unit
    tests use it instead of a broker, the integration tests compare it with the read-back."""
    placed: dict[int, list[KafkaRecord]] = {p: [] for p in range(partitions)}
    for record in records:
        p = java_partition(record.key, partitions)
        placed[p].append(KafkaRecord(p, len(placed[p]), record.key, record.value, record.headers))
    return placed


# --------------------------------------------------------------------------------------------
# Timestamps and money (shared by generator and oracle only as plain arithmetic)


def iso_utc(micros: int) -> str:
    """The snapshot's time format: UTC, microseconds, `Z`."""
    moment = EPOCH + datetime.timedelta(microseconds=micros)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def epoch_micros(moment: datetime.datetime) -> int:
    return (moment - EPOCH) // datetime.timedelta(microseconds=1)


def round_half_away(value: Fraction, places: int) -> Decimal:
    """`value` rounded to `places` decimals, ties away from zero, as a Decimal with exactly
    that many decimals. Exact: the input is a fraction, so no binary rounding sneaks in."""
    scaled = abs(value) * 10**places
    units = math.floor(scaled + Fraction(1, 2))
    if value < 0:
        units = -units
    return Decimal(units).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def money(micros: int | Fraction) -> Decimal:
    """Micro-units shown as the snapshot shows money: rounded to the cent, half away from zero."""
    return round_half_away(Fraction(micros) / MICROS, 2)


# --------------------------------------------------------------------------------------------
# Generator


@dataclass(frozen=True)
class Product:
    product_id: str
    name: str
    category: str
    price_cents: int
    weight: int  # relative popularity


# Popularity varies by two orders of magnitude, so rankings, ties and low-volume noise matter.
CATALOG = (
    Product("P-001", "Wireless Earbuds", "Electronics", 4999, 60),
    Product("P-002", "USB-C Cable 2m", "Electronics", 1299, 90),
    Product("P-003", "Mechanical Keyboard", "Electronics", 8950, 25),
    Product("P-004", "27in Monitor", "Electronics", 21900, 8),
    Product("P-005", "Desk Lamp", "Home", 3450, 30),
    Product("P-006", "Throw Blanket", "Home", 2999, 22),
    Product("P-007", "Scented Candle", "Home", 1575, 45),
    Product("P-008", "Espresso Machine", "Home", 34999, 4),
    Product("P-009", "Chef Knife", "Kitchen", 5990, 14),
    Product("P-010", "Cast Iron Pan", "Kitchen", 3995, 18),
    Product("P-011", "Cafe Creme Mug", "Kitchen", 1150, 40),
    Product("P-012", "Salad Spinner", "Kitchen", 2425, 6),
    Product("P-013", "Paperback Thriller", "Books", 1499, 50),
    Product("P-014", "Cookbook", "Books", 2899, 12),
    Product("P-015", "Atlas of the World", "Books", 4500, 3),
    Product("P-016", "Yoga Mat", "Sports", 2799, 20),
    Product("P-017", "Trail Running Shoes", "Sports", 8990, 11),
    Product("P-018", "Water Bottle", "Sports", 1799, 55),
    Product("P-019", "Dumbbell Set", "Sports", 12500, 5),
    Product("P-020", "Tennis Balls", "Sports", 699, 35),
    Product("P-021", "Building Blocks", "Toys", 3999, 16),
    Product("P-022", "Puzzle 1000 pcs", "Toys", 1999, 13),
    Product("P-023", "Caf\u00e9 Cr\u00e8me Plush \u2615\U0001f9f8", "Toys", 2250, 9),  # escaped, a surrogate pair
    Product("P-024", "Board Game", "Toys", 3450, 10),
    Product("P-025", "Coffee Beans 1kg", "Grocery", 2490, 70),
    Product("P-026", "Green Tea", "Grocery", 899, 40),
    Product("P-027", "Olive Oil", "Grocery", 1345, 28),
    Product("P-028", "Dark Chocolate", "Grocery", 350, 65),
    Product("P-029", "Saffron 1g", "Grocery", 995, 2),
    Product("P-030", "Sparkling Water 6x", "Grocery", 549, 48),
    Product("P-031", "Phone Case", "Electronics", 1999, 33),
    Product("P-032", "Power Bank", "Electronics", 3999, 19),
    Product("P-033", "Bath Towel", "Home", 1850, 17),
    Product("P-034", "Wall Clock", "Home", 2600, 4),
    Product("P-035", "Kids Bike", "Toys", 15900, 2),
    Product("P-036", "Poetry Collection", "Books", 1250, 1),
)
FLASH_PRODUCT = "P-017"
RENAMED_PRODUCT = "P-005"
RENAMED_TO = "Desk Lamp (2026 edition)"
STREAM_START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc)
CUSTOMERS = 20_000

# (zone suffix, offset in minutes, weight): every form the README accepts.
ZONES = (("Z", 0, 40), ("+00:00", 0, 12), ("", 0, 14), ("+02:00", 120, 10), ("-05:00", -300, 6),
         ("-0500", -300, 6), ("+0530", 330, 6), ("-03:30", -210, 6))
FRACTION_DIGITS = ((0, 20), (3, 25), (6, 40), (9, 15))
QUANTITIES = ((0, 1), (1, 50), (2, 24), (3, 13), (4, 8), (5, 4))
# Valid prices written the way a JSON number may be written, with their exact value in
# micro-units after the README's rounding (half to even beyond 6 decimals).
ODD_PRICES = (("19.9999995", 20_000_000), ("0.0000015", 2), ("0.0000005", 0), ("12.3456785", 12_345_678),
              ("1.25e1", 12_500_000), ("1250E-2", 12_500_000), ("7", 7_000_000), ("0.5E+1", 5_000_000),
              ("3.000000000", 3_000_000), ("0", 0))


def format_timestamp(micros: int, zone: str, offset_minutes: int, separator: str, digits: int,
                     extra: str = "") -> str:
    """`micros` as local time in the given zone, with `digits` fraction digits (truncated) and
    `extra` further digits appended to a 6-digit fraction (the README drops them)."""
    local = EPOCH + datetime.timedelta(microseconds=micros, minutes=offset_minutes)
    text = local.strftime(f"%Y-%m-%d{separator}%H:%M:%S")
    fraction = f"{local.microsecond:06d}"
    if digits:
        text += "." + (fraction + extra)[:digits]
    return text + zone


def truncated(micros: int, digits: int) -> int:
    """The instant a timestamp written with `digits` fraction digits stands for."""
    step = 10 ** max(0, 6 - digits)
    return micros - micros % step


def weighted(pairs):
    values = [value for value, _ in pairs]
    cumulative, total = [], 0
    for _, weight in pairs:
        total += weight
        cumulative.append(total)
    return values, cumulative


class StreamWriter:
    """Builds one stream in production order. Keeps what the README's lateness rule needs to
    place boundary records exactly at a partition's watermark (the largest event time it has
    produced into each partition)."""

    def __init__(self, seed: int, orders: int, minutes: int, partitions: int):
        self.rng = random.Random(seed)
        self.orders = orders
        self.minutes = minutes
        self.partitions = partitions
        self.start = epoch_micros(STREAM_START)
        self.duration = minutes * MINUTE
        self.records: list[TestRecord] = []
        self.pending: list[tuple[int, TestRecord]] = []  # duplicates waiting for their turn
        self.next_id = 1
        self.partition_max: dict[int, int] = {}
        self.products, self.product_weights = weighted([(p, p.weight) for p in CATALOG])
        self.flash = next(p for p in CATALOG if p.product_id == FLASH_PRODUCT)
        self.flash_start = self.start + max(3, int(minutes * 0.8)) * MINUTE
        self.flash_end = self.flash_start + (4 if minutes >= 60 else 1) * MINUTE
        self.outage_start = self.start + int(minutes * 0.35) * MINUTE if minutes >= 30 else None
        self.rename_at = self.start + int(minutes * 0.58) * MINUTE + 123_456
        self.zones, self.zone_weights = weighted([((z, o), w) for z, o, w in ZONES])
        self.digits, self.digit_weights = weighted(FRACTION_DIGITS)
        self.quantities, self.quantity_weights = weighted(QUANTITIES)
        self.malformed_cases = malformed_cases()
        self.malformed_made = 0

    # -- the shape of the traffic

    def base_rate(self, offset: int) -> float:
        """Relative order rate at `offset` micros into the stream: a slow swell, a faster
        ripple, and a one-minute checkout outage at a fifth of the normal rate."""
        seconds = offset / MICROS
        rate = 1 + 0.2 * math.sin(2 * math.pi * seconds / 3600 + 0.3) + 0.1 * math.sin(2 * math.pi * seconds / 1100)
        if self.outage_start is not None and self.outage_start <= self.start + offset < self.outage_start + MINUTE:
            rate *= 0.2
        return rate

    def flash_rate(self, offset: int) -> float:
        """Extra rate of flash-sale orders: about a third more traffic, all for one product."""
        return 0.35 if self.flash_start <= self.start + offset < self.flash_end else 0.0

    def event_times(self) -> list[tuple[int, bool]]:
        """`orders` sorted event times drawn from the rate profile by rejection, each with
        whether it is a flash-sale order."""
        rng, times = self.rng, []
        while len(times) < self.orders:
            offset = rng.randrange(self.duration)
            base, extra = self.base_rate(offset), self.flash_rate(offset)
            if rng.random() * 1.7 < base + extra:
                times.append((self.start + offset, rng.random() * (base + extra) < extra))
        times.sort()
        return times

    # -- one order

    def new_id(self) -> str:
        order_id = f"ORD-{self.next_id:07d}"
        self.next_id += 1
        return order_id

    def pick_product(self) -> Product:
        return self.rng.choices(self.products, cum_weights=self.product_weights)[0]

    def customer(self) -> str:
        # Squaring skews the pool: a few thousand regulars, a long tail of one-off buyers.
        return f"CUST-{int(CUSTOMERS * self.rng.random() ** 2) + 1:05d}"

    def timestamp(self, micros: int) -> tuple[str, int]:
        """A timestamp text in a random accepted form and the instant it stands for."""
        rng = self.rng
        zone, offset = rng.choices(self.zones, cum_weights=self.zone_weights)[0]
        digits = rng.choices(self.digits, cum_weights=self.digit_weights)[0]
        separator = " " if rng.random() < 0.2 else "T"
        extra = f"{rng.randrange(1000):03d}" if digits == 9 else ""
        return format_timestamp(micros, zone, offset, separator, digits, extra), truncated(micros, digits)

    def price_text(self, product: Product, on_sale: bool) -> str:
        cents = product.price_cents
        if on_sale:
            cents = (cents * 70 + 50) // 100
        elif self.rng.random() < 0.15:
            cents = (cents * self.rng.choice((90, 75)) + 50) // 100
        text = f"{cents // 100}.{cents % 100:02d}"
        if self.rng.random() < 0.1:
            text = text.rstrip("0").rstrip(".")
        return text

    def order_fields(self, order_id: str, micros: int, product: Product | None = None,
                     on_sale: bool = False) -> tuple[list[tuple[str, str]], int]:
        """The fields of a valid order as (name, raw JSON text), and its event time."""
        rng = self.rng
        product = product or self.pick_product()
        stamp, instant = self.timestamp(micros)
        name = product.name
        if product.product_id == RENAMED_PRODUCT and instant >= self.rename_at:
            name = RENAMED_TO
        ascii_only = rng.random() < 0.5
        quantity = rng.choices(self.quantities, cum_weights=self.quantity_weights)[0]
        fields = [
            ("order_id", json.dumps(order_id)),
            ("product_id", json.dumps(product.product_id)),
            ("product_name", json.dumps(name, ensure_ascii=ascii_only)),
            ("category", json.dumps(product.category)),
            ("price", self.price_text(product, on_sale)),
            ("quantity", str(quantity)),
            ("customer_id", json.dumps(self.customer())),
            ("timestamp", json.dumps(stamp)),
        ]
        return fields, instant

    def emit(self, record: TestRecord) -> None:
        self.records.append(record)
        due = [pair for pair in self.pending if pair[0] <= len(self.records)]
        if due:
            self.pending = [pair for pair in self.pending if pair[0] > len(self.records)]
            for _, copy in due:
                self.records.append(copy)

    def emit_order(self, order_id: str, fields: list[tuple[str, str]], instant: int, intent: str) -> None:
        """A valid order; now and then re-produced a few records later (a producer retry)."""
        record = TestRecord(order_id.encode(), render(fields, self.rng), (), intent)
        partition = java_partition(record.key, self.partitions)
        if intent != "late":
            self.partition_max[partition] = max(self.partition_max.get(partition, instant), instant)
        self.emit(record)
        if self.rng.random() < 0.01:
            copy = TestRecord(record.key, record.value, record.headers, "duplicate")
            self.pending.append((len(self.records) + self.rng.randint(1, 20), copy))

    # -- the stream

    def main_order(self, index: int, micros: int, flash: bool) -> None:
        rng = self.rng
        if rng.random() < 0.1:  # a little disorder, well inside the watermark delay
            micros -= rng.randrange(10 * MICROS)
        order_id = self.new_id()
        fields, instant = self.order_fields(order_id, micros, self.flash if flash else None, flash)
        if index % 4999 == 17:  # a price written as an unusual but valid JSON number
            text, _ = ODD_PRICES[(index // 4999) % len(ODD_PRICES)]
            fields = [(name, text if name == "price" else raw) for name, raw in fields]
        elif index % 997 == 5:  # a key given twice: the last one counts
            fields = [("price", '"n/a"'), ("quantity", "null")] + fields
        elif index % 1009 == 7:  # fields the analyzer ignores, and a customer with no id
            fields = fields[:6] + [("customer_id", '""'), ("coupon", "null"), ("channel", '"app"'),
                                   ("timestamp", fields[7][1]), ("tags", '["a", {"b": 1}]')]
        elif rng.random() < 0.1:
            rng.shuffle(fields)
        self.emit_order(order_id, fields, instant, "order")

    def late_order(self, now: int) -> None:
        """An order 2 to 20 minutes behind the stream (a phone that was offline)."""
        elapsed = now - self.start
        lag = self.rng.randrange(2 * MINUTE, min(20 * MINUTE, elapsed - MINUTE))
        order_id = self.new_id()
        fields, instant = self.order_fields(order_id, now - lag)
        self.emit_order(order_id, fields, instant, "late")

    def boundary_pair(self) -> None:
        """Two orders exactly at and one microsecond before their partition's watermark
        (largest event time so far minus the 30 s delay): the first is on time, the second late."""
        for intent, before in (("boundary-on-time", 0), ("boundary-late", 1)):
            order_id = self.new_id()
            partition = java_partition(order_id.encode(), self.partitions)
            if partition not in self.partition_max:
                continue
            micros = self.partition_max[partition] - 30 * MICROS - before
            fields, _ = self.order_fields(order_id, micros)
            stamp = format_timestamp(micros, "Z", 0, "T", 6)
            fields = [(name, json.dumps(stamp) if name == "timestamp" else raw) for name, raw in fields]
            self.emit_order(order_id, fields, micros, intent)

    def malformed(self, now: int) -> None:
        case = self.malformed_cases[self.malformed_made % len(self.malformed_cases)]
        self.malformed_made += 1
        order_id = self.new_id()
        fields, _ = self.order_fields(order_id, now)
        value = case.build(fields, self.rng)
        headers = (("test-case", case.label.encode()),)
        self.emit(TestRecord(order_id.encode(), value, headers, case.reason, case.label))

    def build(self) -> list[TestRecord]:
        rng = self.rng
        pair_every = max(1, self.orders // 8)
        for index, (micros, flash) in enumerate(self.event_times()):
            self.main_order(index, micros, flash)
            if micros - self.start >= 4 * MINUTE and rng.random() < 0.005:
                self.late_order(micros)
            if rng.random() < 0.005:
                self.malformed(micros)
            if index % pair_every == pair_every // 2:
                self.boundary_pair()
        for _, copy in self.pending:
            self.records.append(copy)
        return self.records


def render(fields: Sequence[tuple[str, str]], rng: random.Random) -> bytes:
    """A JSON object from raw field texts, compact or spaced or spread over lines."""
    style = rng.random()
    if style < 0.6:
        text = "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in fields) + "}"
    elif style < 0.95:
        text = "{" + ", ".join(f"{json.dumps(k)}: {v}" for k, v in fields) + "}"
    else:
        text = "{\n" + ",\n".join(f"  {json.dumps(k)} : {v}" for k, v in fields) + "\n}\n"
    return text.encode()


def generate_stream(seed: int = 20260302, orders: int = 100_000, minutes: int = 120,
                    partitions: int = PARTITIONS) -> list[TestRecord]:
    """A stream of about `orders` orders over `minutes` of event time (plus ~1 % duplicates,
    ~0.5 % late and ~0.5 % malformed records), in production order. Same seed, same bytes."""
    return StreamWriter(seed, orders, minutes, partitions).build()


# --------------------------------------------------------------------------------------------
# Malformed records: every reason, several shapes each, and records where two reasons apply
# (the first in the README's order must win).


@dataclass(frozen=True)
class MalformedCase:
    label: str
    reason: str
    build: object  # (fields, rng) -> bytes | None


def _with(**changes):
    """A builder replacing (raw JSON text) or, with None, removing fields of a valid order."""

    def build(fields, rng):
        out = [(k, changes.get(k, v)) for k, v in fields if changes.get(k, v) is not None]
        return render(out, rng)

    return build


def _text(value):
    return lambda fields, rng: value


def malformed_cases() -> list[MalformedCase]:
    def case(label, reason, build):
        return MalformedCase(label, reason, build)

    def stamp(text):
        return json.dumps(text)

    cases = [
        case("null-value", "invalid-json", _text(None)),
        case("empty-value", "invalid-json", _text(b"")),
        case("blank-value", "invalid-json", _text(b" \n\t")),
        case("truncated", "invalid-json", lambda f, rng: render(f, rng)[:37]),
        case("trailing-comma", "invalid-json", lambda f, rng: render(f, rng).rstrip()[:-1] + b",}"),
        case("single-quotes", "invalid-json", lambda f, rng: render(f, rng).replace(b'"', b"'")),
        case("not-utf8", "invalid-json", lambda f, rng: render(f, rng).replace(b"CUST-", b"CUST-\xff\xfe", 1)),
        case("nan-price", "invalid-json", _with(price="NaN")),
        case("infinite-quantity", "invalid-json", _with(quantity="Infinity")),
        case("plain-text", "invalid-json", _text(b"order placed")),
        case("two-documents", "invalid-json", lambda f, rng: render(f, rng) + b"{}"),
        case("json-null", "not-an-object", _text(b"null")),
        case("array", "not-an-object", lambda f, rng: b"[" + render(f, rng) + b"]"),
        case("string", "not-an-object", lambda f, rng: json.dumps(render(f, rng).decode()).encode()),
        case("number", "not-an-object", _text(b"42")),
        case("boolean", "not-an-object", _text(b"true")),
        case("empty-array", "not-an-object", _text(b"[]")),
        *[case(f"no-{name}", "missing-field", _with(**{name: None})) for name in FIELDS],
        case("null-price", "missing-field", _with(price="null")),
        case("null-timestamp", "missing-field", _with(timestamp="null")),
        case("null-product-name", "missing-field", _with(product_name="null")),
        case("empty-object", "missing-field", _text(b"{}")),
        case("missing-beats-wrong-type", "missing-field", _with(customer_id=None, price='"12.50"')),
        case("price-in-quotes", "wrong-type", _with(price='"12.50"')),
        case("price-boolean", "wrong-type", _with(price="true")),
        case("price-object", "wrong-type", _with(price='{"amount": 12.5}')),
        case("fractional-quantity", "wrong-type", _with(quantity="2.5")),
        case("quantity-with-point", "wrong-type", _with(quantity="2.0")),
        case("quantity-with-exponent", "wrong-type", _with(quantity="1e0")),
        case("quantity-in-quotes", "wrong-type", _with(quantity='"3"')),
        case("numeric-order-id", "wrong-type", _with(order_id="12345")),
        case("product-id-array", "wrong-type", _with(product_id='["P-001"]')),
        case("numeric-customer", "wrong-type", _with(customer_id="987")),
        case("category-object", "wrong-type", _with(category="{}")),
        case("product-name-false", "wrong-type", _with(product_name="false")),
        case("epoch-number-timestamp", "wrong-type", _with(timestamp="1772442000")),
        case("last-key-wins-wrong", "wrong-type", lambda f, rng: render(f + [("price", '"free"')], rng)),
        case("wrong-type-beats-timestamp", "wrong-type", _with(quantity="2.5", timestamp=stamp("soon"))),
        *[case(f"timestamp-{i}", "bad-timestamp", _with(timestamp=stamp(text))) for i, text in enumerate((
            "2026-02-30T10:00:00Z", "2026-02-29 10:00:00", "2026-03-02T25:00:00Z", "2026-03-02T10:60:00Z",
            "2026-03-02T10:00:61Z", "2026-13-02T10:00:00Z", "2026-00-10T10:00:00Z", "2026-03-02",
            "10:00:00", "1772442000", "", "2026-03-02T10:00Z", "2026-03-02T10:00:00.Z",
            "2026-03-02T10:00:00.1234567890Z", "2026/03/02 10:00:00", "2026-03-02T10:00:00+2",
            "2026-03-02T10:00:00 +02:00", "yesterday", "2026-03-02T10:00:00UTC", "2026-3-2T10:00:00Z",
            "2026-03-02T10:00:00+02", "2026-03-02T10:00:00+02:0", "2026-03-02T10:00:00ZZ",
            "2026-03-02T10:00:00.5 Z", " 2026-03-02T10:00:00Z", "2026-03-02T10:00:00Z ",
            "2026-03-02T10:00:00+0200:00", "2026-04-31T10:00:00Z"))],
        case("timestamp-beats-negative-price", "bad-timestamp",
             _with(timestamp=stamp("2026-02-30T10:00:00Z"), price="-1.00")),
        case("negative-price", "negative-price", _with(price="-0.01")),
        case("negative-whole-price", "negative-price", _with(price="-12")),
        case("negative-beats-out-of-range", "negative-price", _with(price="-1e10")),
        case("negative-price-beats-quantity", "negative-price", _with(price="-5.5", quantity="-1")),
        case("negative-quantity", "negative-quantity", _with(quantity="-1")),
        case("very-negative-quantity", "negative-quantity", _with(quantity="-100")),
        case("negative-quantity-beats-range", "negative-quantity", _with(quantity="-2", price="2.5e12")),
        case("price-one-billion", "out-of-range", _with(price="1000000000")),
        case("price-1e9", "out-of-range", _with(price="1e9")),
        case("price-huge", "out-of-range", _with(price="2.5e12")),
        case("price-one-billion-decimals", "out-of-range", _with(price="1000000000.00")),
        case("quantity-one-billion", "out-of-range", _with(quantity="1000000000")),
        case("quantity-five-billion", "out-of-range", _with(quantity="5000000000")),
    ]
    return cases


# --------------------------------------------------------------------------------------------
# Broker I/O


def prepare_topic(bootstrap: str, topic: str = TOPIC, partitions: int = PARTITIONS) -> None:
    """Creates the topic, or accepts it if it already exists with that many partitions
    (`aseed broker` creates `orders` with 3 on first start; Tansu needs it created)."""
    from confluent_kafka import KafkaError, KafkaException
    from kafkahelpers import create_topic, wait_for_topic

    try:
        create_topic(bootstrap, topic, partitions)
    except KafkaException as error:
        if error.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
            raise
        wait_for_topic(bootstrap, topic, partitions)


def produce_records(bootstrap: str, records: Sequence[TestRecord], topic: str = TOPIC,
                    partitions: int = PARTITIONS, **config) -> list[tuple[int, int]]:
    """Produces the records in order (acks=all, idempotent, lz4, the Java client's murmur2
    partitioner) and returns each one's (partition, offset). Fails if any delivery failed or
    a key landed elsewhere than the Java client would put it."""
    from confluent_kafka import Producer

    producer = Producer({
        "bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": True,
        "compression.type": "lz4", "partitioner": "murmur2_random", "linger.ms": 20,
        "batch.num.messages": 5000, "queue.buffering.max.messages": 500_000, **config})
    positions: list[tuple[int, int] | None] = [None] * len(records)
    errors: list[str] = []

    def delivered(index):
        def report(err, msg):
            if err is not None:
                errors.append(str(err))
            else:
                positions[index] = (msg.partition(), msg.offset())
        return report

    for index, record in enumerate(records):
        while True:
            try:
                producer.produce(topic, key=record.key, value=record.value, headers=list(record.headers) or None,
                                 on_delivery=delivered(index))
                break
            except BufferError:
                producer.poll(0.05)
        producer.poll(0)
    remaining = producer.flush(60)
    assert remaining == 0, f"{remaining} records still unacknowledged after 60 s"
    assert not errors, f"{len(errors)} deliveries failed: {errors[:3]}"
    for record, (partition, _offset) in zip(records, positions):
        expected = java_partition(record.key, partitions)
        assert partition == expected, f"key {record.key!r} went to partition {partition}, Java puts it in {expected}"
    return positions


def end_offsets(positions: Iterable[tuple[int, int]], partitions: int = PARTITIONS,
                ends: Mapping[int, int] | None = None) -> dict[int, int]:
    """The next offset of every partition after the given deliveries (and earlier `ends`)."""
    result = {p: 0 for p in range(partitions)}
    result.update(ends or {})
    for partition, offset in positions:
        result[partition] = max(result[partition], offset + 1)
    return result


def read_back(bootstrap: str, ends: Mapping[int, int], topic: str = TOPIC, starts: Mapping[int, int] | None = None,
              timeout: float = 60.0) -> dict[int, list[KafkaRecord]]:
    """Every record of the topic from `starts` (default 0) up to `ends`, per partition in
    offset order, read without a group. The ends come from the producer's acknowledgements,
    not from ListOffsets, which some brokers answer loosely (Tansu counts batches)."""
    from confluent_kafka import Consumer, KafkaException, TopicPartition

    starts = dict(starts or {})
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"oracle-{uuid.uuid4().hex[:8]}",
                         "enable.auto.commit": False, "enable.partition.eof": False})
    result: dict[int, list[KafkaRecord]] = {p: [] for p in ends}
    try:
        wanted = [TopicPartition(topic, p, starts.get(p, 0)) for p, end in ends.items() if end > starts.get(p, 0)]
        consumer.assign(wanted)
        missing = sum(end - starts.get(p, 0) for p, end in ends.items())
        deadline = time.monotonic() + timeout
        while missing > 0 and time.monotonic() < deadline:
            for msg in consumer.consume(10_000, 0.5):
                if msg.error():
                    raise KafkaException(msg.error())
                p = msg.partition()
                if msg.offset() >= ends[p]:
                    continue
                result[p].append(KafkaRecord(p, msg.offset(), msg.key(), msg.value(), tuple(msg.headers() or ())))
                missing -= 1
    finally:
        consumer.close()
    for p, end in ends.items():
        offsets = [record.offset for record in result[p]]
        assert offsets == list(range(starts.get(p, 0), end)), \
            f"{topic}[{p}]: read {len(offsets)} records, expected offsets {starts.get(p, 0)}..{end - 1}"
    return result


# --------------------------------------------------------------------------------------------
# Oracle: validation


class Malformed(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Order:
    order_id: str
    product_id: str
    product_name: str
    category: str
    price: int  # micro-units
    quantity: int
    customer_id: str
    time: int  # event time, micros since 1970 UTC

    @property
    def revenue(self) -> int:
        return self.price * self.quantity


TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]{1,9}))?(Z|[+-][0-9]{2}:?[0-9]{2})?")


def parse_timestamp(text: str) -> int | None:
    """Micros since 1970 UTC for a timestamp the README accepts, else None. No zone means
    UTC; fraction digits beyond the sixth are dropped."""
    match = TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction, zone = match.group(7) or "", match.group(8) or "Z"
    micros = int((fraction + "000000")[:6])
    offset = 0
    if zone != "Z":
        zone_hours, zone_minutes = int(zone[1:3]), int(zone[-2:])
        if zone_hours > 23 or zone_minutes > 59:
            return None
        offset = (zone_hours * 60 + zone_minutes) * (1 if zone[0] == "+" else -1)
    try:
        local = datetime.datetime(year, month, day, hour, minute, second, micros, tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    return epoch_micros(local) - offset * MINUTE


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def is_number(value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def decode_order(value: bytes | None) -> Order:
    """The order in a record's value, or Malformed with the first reason that applies, in
    the README's order, each reason checked over every field before the next."""
    if not value:
        raise Malformed("invalid-json")
    try:
        document = json.loads(value.decode("utf-8"), parse_float=Decimal, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Malformed("invalid-json") from None
    if not isinstance(document, dict):
        raise Malformed("not-an-object")
    if any(document.get(name) is None for name in FIELDS):
        raise Malformed("missing-field")
    price, quantity = document["price"], document["quantity"]
    if (any(not isinstance(document[name], str) for name in STRING_FIELDS) or not is_number(price)
            or not isinstance(quantity, int) or isinstance(quantity, bool)):
        raise Malformed("wrong-type")
    event_time = parse_timestamp(document["timestamp"])
    if event_time is None:
        raise Malformed("bad-timestamp")
    if price < 0:
        raise Malformed("negative-price")
    if quantity < 0:
        raise Malformed("negative-quantity")
    if price >= 10**9 or quantity >= 10**9:
        raise Malformed("out-of-range")
    micros = int((Decimal(price) * MICROS).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    return Order(document["order_id"], document["product_id"], document["product_name"], document["category"],
                 micros, quantity, document["customer_id"], event_time)


# --------------------------------------------------------------------------------------------
# Oracle: the stream pass (dedup, watermarks, lateness)


@dataclass(frozen=True)
class Settings:
    delay: int = 30 * MICROS
    window: int = 60 * MICROS
    top_n: int = 10
    spans: tuple[tuple[str, int], ...] = (("5m", 5), ("15m", 15), ("60m", 60))
    recent: int = 50
    alerts_kept: int = 50


@dataclass(frozen=True)
class Counted:
    order: Order
    partition: int
    offset: int
    late: bool


@dataclass
class Pass:
    """What one pass over the records decided, record by record."""

    counted: list[Counted] = field(default_factory=list)
    malformed: list[tuple[KafkaRecord, str]] = field(default_factory=list)
    duplicates: int = 0
    records_in: int = 0
    partition_max: dict[int, int] = field(default_factory=dict)
    late_by_closed_window: int = 0
    ambiguities: list[str] = field(default_factory=list)


def interleave(partitions: Mapping[int, Sequence[KafkaRecord]]) -> Iterable[KafkaRecord]:
    """One record of each partition in turn: one of the many orders the analyzer may see."""
    queues = [list(records) for _, records in sorted(partitions.items())]
    for index in range(max((len(q) for q in queues), default=0)):
        for queue in queues:
            if index < len(queue):
                yield queue[index]


def global_watermark(partition_max: Mapping[int, int], delay: int) -> int | None:
    """The smallest partition watermark among partitions that have orders (no partition is
    ever idle here: the oracle has no wall clock)."""
    return min(partition_max.values()) - delay if partition_max else None


def stream_pass(partitions: Mapping[int, Sequence[KafkaRecord]], settings: Settings = Settings(),
                arrival: Iterable[KafkaRecord] | None = None) -> Pass:
    """Classifies every record: malformed (with its reason), duplicate, or counted (late or not).
    `arrival` is the order the records are seen in (default: one of each partition in turn);
    each partition's records must keep their offset order in it."""
    result = Pass()
    seen: set[str] = set()
    for record in (interleave(partitions) if arrival is None else arrival):
        result.records_in += 1
        try:
            order = decode_order(record.value)
        except Malformed as error:
            result.malformed.append((record, error.reason))
            continue
        if order.order_id in seen:
            result.duplicates += 1
            continue
        seen.add(order.order_id)
        if not order.order_id or not order.product_id:
            result.ambiguities.append(f"empty order or product id at {record.partition}/{record.offset}")
        own_max = result.partition_max.get(record.partition)
        late = own_max is not None and order.time < own_max - settings.delay
        if not late:
            watermark = global_watermark(result.partition_max, settings.delay)
            window_end = order.time - order.time % settings.window + settings.window
            if watermark is not None and window_end <= watermark:
                late = True
                result.late_by_closed_window += 1
        result.partition_max[record.partition] = order.time if own_max is None else max(own_max, order.time)
        result.counted.append(Counted(order, record.partition, record.offset, late))
    return result


# --------------------------------------------------------------------------------------------
# Oracle: the snapshot


@dataclass
class Sums:
    orders: int = 0
    units: int = 0
    revenue: int = 0
    price_sum: int = 0
    last_time: int | None = None

    def add(self, order: Order) -> None:
        self.orders += 1
        self.units += order.quantity
        self.revenue += order.revenue
        self.price_sum += order.price
        self.last_time = order.time if self.last_time is None else max(self.last_time, order.time)

    def aov(self) -> Decimal:
        return money(Fraction(self.revenue, self.orders)) if self.orders else money(0)

    def avg_price(self) -> Decimal:
        return money(Fraction(self.price_sum, self.orders)) if self.orders else money(0)


def sums_by(orders: Iterable[Order], key) -> dict[str, Sums]:
    result: dict[str, Sums] = defaultdict(Sums)
    for order in orders:
        result[key(order)].add(order)
    return result


def latest_names(orders: Sequence[Order], ambiguities: list[str]) -> dict[str, tuple[str, str]]:
    """Each product's name and category as in its latest order by event time. The README
    names no tie rule, so equal times with different names are reported as ambiguous."""
    latest: dict[str, Order] = {}
    for order in orders:
        best = latest.get(order.product_id)
        if best is None or order.time > best.time:
            latest[order.product_id] = order
        elif order.time == best.time and (order.product_name, order.category) != (best.product_name, best.category):
            ambiguities.append(f"{order.product_id}: two latest orders at {iso_utc(order.time)} name it differently")
    return {pid: (o.product_name, o.category) for pid, o in latest.items()}


RANKINGS = {
    "orders": lambda pid, s: (-s.orders, -s.revenue, pid),
    "units": lambda pid, s: (-s.units, -s.revenue, pid),
    "revenue": lambda pid, s: (-s.revenue, -s.orders, pid),
}


def rankings(sums: Mapping[str, Sums], names, top_n: int) -> dict[str, list[dict]]:
    result = {}
    for ranking, key in RANKINGS.items():
        ordered = sorted(sums, key=lambda pid: key(pid, sums[pid]))[:top_n]
        result[ranking] = [{
            "product_id": pid, "product_name": names[pid][0], "category": names[pid][1],
            "order_count": sums[pid].orders, "total_quantity": sums[pid].units,
            "total_revenue": money(sums[pid].revenue)} for pid in ordered]
    return result


def window_items(on_time: Sequence[Order], settings: Settings, watermark: int | None) -> list[dict]:
    by_window: dict[int, list[Order]] = defaultdict(list)
    for order in on_time:
        by_window[order.time - order.time % settings.window].append(order)
    items = []
    for start in sorted(by_window):
        orders = by_window[start]
        total = sums_by(orders, lambda o: "")[""]
        categories = sums_by(orders, lambda o: o.category)
        items.append({
            "start": iso_utc(start), "end": iso_utc(start + settings.window),
            "closed": watermark is not None and start + settings.window <= watermark,
            "orders": total.orders, "units": total.units, "revenue": money(total.revenue),
            "average_order_value": total.aov(), "unique_customers": len({o.customer_id for o in orders}),
            "categories": [{"category": name, "orders": s.orders, "units": s.units, "revenue": money(s.revenue),
                            "average_order_value": s.aov()} for name, s in sorted(categories.items())],
        })
    return items


def alerts(on_time: Sequence[Order], settings: Settings, watermark: int | None) -> list[dict]:
    """Alerts of every closed window (anomaly first, then products by id), newest window
    first, cut to `alerts_kept`. Counts in a window are final once it is closed: an order for
    a closed window is late."""
    window = settings.window
    counts: Counter[int] = Counter()
    product_counts: dict[int, Counter[str]] = defaultdict(Counter)
    for order in on_time:
        start = order.time - order.time % window
        counts[start] += 1
        product_counts[start][order.product_id] += 1
    if not counts or watermark is None:
        return []
    first = min(counts)
    raised: list[dict] = []
    for start in sorted(s for s in counts if s + window <= watermark):
        positions = (start - first) // window
        previous = [start - k * window for k in range(1, min(positions, 30) + 1)]
        if len(previous) >= 10:
            history = [counts.get(p, 0) for p in previous]
            mean = Fraction(sum(history), len(history))
            variance = sum((Fraction(c) - mean) ** 2 for c in history) / len(history)
            if variance >= 1 and (counts[start] - mean) ** 2 > 9 * variance:
                raised.append({"kind": "orders-anomaly", "window_start": iso_utc(start), "value": counts[start],
                               "baseline": round_half_away(mean, 4)})
        recent = previous[:10]
        if len(recent) >= 3:
            products = set(product_counts[start]).union(*(product_counts.get(p, ()) for p in recent))
            for pid in sorted(products):
                now = product_counts[start][pid]
                mean = Fraction(sum(product_counts.get(p, Counter())[pid] for p in recent), len(recent))
                kind = None
                if now >= 3 * mean and now >= mean + 5:
                    kind = "rising"
                elif mean >= 5 and now <= mean / 3:
                    kind = "falling"
                if kind:
                    raised.append({"kind": kind, "subject": pid, "window_start": iso_utc(start), "value": now,
                                   "baseline": round_half_away(mean, 4)})
    by_window: dict[str, list[dict]] = defaultdict(list)
    for alert in raised:
        by_window[alert["window_start"]].append(alert)
    newest_first = [alert for start in sorted(by_window, reverse=True) for alert in by_window[start]]
    return newest_first[:settings.alerts_kept]


def recent_orders(counted: Sequence[Order], count: int) -> list[dict]:
    newest = sorted(counted, key=lambda o: (o.time, o.order_id), reverse=True)[:count]
    return [{"order_id": o.order_id, "product_id": o.product_id, "product_name": o.product_name,
             "category": o.category, "price": money(o.price), "quantity": o.quantity,
             "customer_id": o.customer_id, "timestamp": iso_utc(o.time), "total_value": money(o.revenue)}
            for o in newest]


def expected_snapshot(result: Pass, ends: Mapping[int, int], settings: Settings = Settings()) -> dict:
    """The snapshot the analyzer must print after reading every partition to `ends`, in the
    README's JSON shape with money as Decimal cents (fields the README leaves open, such as
    alert messages, rates and latencies, are left out)."""
    orders = [c.order for c in result.counted]
    on_time = [c.order for c in result.counted if not c.late]
    watermark = global_watermark(result.partition_max, settings.delay)
    max_time = max((o.time for o in orders), default=None)
    names = latest_names(orders, result.ambiguities)
    products = sums_by(orders, lambda o: o.product_id)
    categories = sums_by(orders, lambda o: o.category)
    category_products = defaultdict(set)
    for order in orders:
        category_products[order.category].add(order.product_id)
    totals = sums_by(orders, lambda o: "").get("", Sums())

    top = {"all": rankings(products, names, settings.top_n)}
    for span, minutes in settings.spans:
        if max_time is None:
            top[span] = rankings({}, names, settings.top_n)
            continue
        newest_bucket = max_time - max_time % MINUTE
        oldest = newest_bucket - (minutes - 1) * MINUTE
        top[span] = rankings(sums_by((o for o in on_time if o.time >= oldest), lambda o: o.product_id),
                             names, settings.top_n)

    malformed = Counter(reason for _, reason in result.malformed)
    return {
        "totals": {"orders": totals.orders, "units": totals.units, "revenue": money(totals.revenue),
                   "average_order_value": totals.aov(), "unique_customers": len({o.customer_id for o in orders})},
        "products": [{
            "product_id": pid, "product_name": names[pid][0], "category": names[pid][1],
            "order_count": s.orders, "total_quantity": s.units, "total_revenue": money(s.revenue),
            "avg_price": s.avg_price(), "last_order_time": iso_utc(s.last_time)}
            for pid, s in sorted(products.items())],
        "categories": [{
            "category": name, "order_count": s.orders, "total_quantity": s.units, "total_revenue": money(s.revenue),
            "avg_price": s.avg_price(), "last_order_time": iso_utc(s.last_time),
            "unique_products": len(category_products[name])}
            for name, s in sorted(categories.items(), key=lambda item: (-item[1].revenue, item[0]))],
        "top_products": top,
        "windows": {"length_seconds": settings.window // MICROS,
                    "items": window_items(on_time, settings, watermark)},
        "recent_orders": recent_orders(orders, settings.recent),
        "alerts": alerts(on_time, settings, watermark),
        "pipeline": {
            "records_in": result.records_in, "orders_counted": len(orders), "duplicates": result.duplicates,
            "late_records": sum(1 for c in result.counted if c.late), "malformed_total": len(result.malformed),
            "malformed": {reason: malformed.get(reason, 0) for reason in REASONS + BATCH_REASONS},
            "watermark": iso_utc(watermark) if watermark is not None else None,
            "max_event_time": iso_utc(max_time) if max_time is not None else None,
            "partitions": [{"partition": p, "next_offset": end, "high_watermark": end, "lag": 0}
                           for p, end in sorted(ends.items())],
        },
    }


def analyze(partitions: Mapping[int, Sequence[KafkaRecord]], ends: Mapping[int, int] | None = None,
            settings: Settings = Settings(), arrival: Iterable[KafkaRecord] | None = None) -> tuple[dict, Pass]:
    """The expected snapshot for records read back per partition, and the pass behind it
    (malformed records with their reasons, for checking orders.dlq)."""
    if ends is None:
        ends = {p: (records[-1].offset + 1 if records else 0) for p, records in partitions.items()}
    result = stream_pass(partitions, settings, arrival)
    return expected_snapshot(result, ends, settings), result


# --------------------------------------------------------------------------------------------
# Comparing snapshots


IDENTITY_KEYS = ("order_id", "product_id", "start", "partition", "category")


def identity(item) -> str | None:
    """A readable name for a list element: its id, its window start, or its alert."""
    if not isinstance(item, dict):
        return None
    if "kind" in item and "window_start" in item:
        subject = "" if item["kind"] == "orders-anomaly" else f":{item.get('subject')}"
        return f"{item['kind']}{subject}@{item['window_start']}"
    for key in IDENTITY_KEYS:
        if key in item:
            return str(item[key])
    return None


def short(value, limit: int = 90) -> str:
    text = repr(value) if not isinstance(value, (Decimal, int, str)) else str(value)
    return text if len(text) <= limit else text[:limit] + "..."


def differences(expected, actual, path: str = "", ignore: Iterable[str] = (), limit: int = 12) -> list[str]:
    """Up to `limit` lines naming the fields where `actual` (parsed JSON, floats as Decimal)
    differs from `expected`. Only fields present in `expected` are compared; `ignore` holds
    glob patterns of paths such as "pipeline/latency_ms". Money is compared as exact Decimal."""
    found: list[str] = []
    _compare(expected, actual, path, tuple(ignore), found, limit)
    return found[:limit]


def _compare(expected, actual, path, ignore, found, limit):
    if len(found) >= limit or any(fnmatchcase(path, pattern) for pattern in ignore):
        return
    where = path or "<snapshot>"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            found.append(f"{where}: expected an object, got {short(actual)}")
            return
        for key, value in expected.items():
            sub = f"{path}/{key}" if path else key
            if key not in actual:
                if not any(fnmatchcase(sub, pattern) for pattern in ignore):
                    found.append(f"{sub}: missing (expected {short(value)})")
                continue
            _compare(value, actual[key], sub, ignore, found, limit)
    elif isinstance(expected, list):
        _compare_lists(expected, actual, path, ignore, found, limit)
    elif isinstance(expected, Decimal) or (isinstance(expected, int) and not isinstance(expected, bool)):
        if not is_number(actual) or Decimal(actual) != Decimal(expected) or \
                (isinstance(expected, int) and not isinstance(actual, int)):
            found.append(f"{where}: expected {expected}, got {short(actual)}")
    elif expected != actual or type(expected) is not type(actual):
        found.append(f"{where}: expected {short(expected)}, got {short(actual)}")


def _compare_lists(expected, actual, path, ignore, found, limit):
    where = path or "<snapshot>"
    if not isinstance(actual, list):
        found.append(f"{where}: expected a list, got {short(actual)}")
        return
    expected_ids = [identity(item) for item in expected]
    actual_ids = [identity(item) for item in actual]
    if expected_ids and all(i is not None for i in expected_ids) and None not in actual_ids:
        if expected_ids != actual_ids:
            first = next((i for i, (a, b) in enumerate(zip(expected_ids, actual_ids)) if a != b),
                         min(len(expected_ids), len(actual_ids)))
            found.append(f"{where}: {len(expected_ids)} items expected, {len(actual_ids)} got; from #{first}: "
                         f"expected {short(expected_ids[first:first + 4])}, got {short(actual_ids[first:first + 4])}")
        by_id = {ident: item for ident, item in zip(actual_ids, actual)}
        for ident, item in zip(expected_ids, expected):
            if ident in by_id:
                _compare(item, by_id[ident], f"{path}/{ident}", ignore, found, limit)
        return
    if len(expected) != len(actual):
        found.append(f"{where}: {len(expected)} items expected, {len(actual)} got")
    for index, (want, got) in enumerate(zip(expected, actual)):
        _compare(want, got, f"{path}/{index}", ignore, found, limit)
