"""The analyzer's record rules (Sources/Analyzer/README.md), in plain Python for the Flink job.

Flink SQL cannot express them: a record must be rejected for the *first* reason that applies
in the README's order, a key given twice counts by its last value, an integer quantity must
not have been written with a fraction or an exponent, a price is kept exactly to 6 decimals
(half to even beyond), and the timestamp grammar is narrower than any built-in parser. A
Python function with the standard `json` module decides all of that in one place.

Everything here is a pure function of one record, except `PartitionClock`, which is the
per-partition watermark and late rule: it must see one partition's records in offset order.
"""
from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

MICROS = 1_000_000
FIELDS = ("order_id", "product_id", "product_name", "category", "price", "quantity", "customer_id", "timestamp")
TEXT_FIELDS = ("order_id", "product_id", "product_name", "category", "customer_id", "timestamp")
REASONS = ("invalid-json", "not-an-object", "missing-field", "wrong-type", "bad-timestamp",
           "negative-price", "negative-quantity", "out-of-range")
LIMIT = 10**9  # price or quantity at or above it: out-of-range (sums would overflow)

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]{1,9}))?(?:([Zz])|([+-])([0-9]{2}):?([0-9]{2}))?")
_MICRO = Decimal(MICROS)


@dataclass(frozen=True)
class Order:
    order_id: str
    product_id: str
    product_name: str
    category: str
    price: int  # micro-units
    quantity: int
    customer_id: str
    time: int  # event time, microseconds since 1970 UTC


class Malformed(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")


def _has_lone_surrogate(value) -> bool:
    """A `\\ud800` escape without its pair decodes to a string that is not Unicode text."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def parse_timestamp(text: str) -> int | None:
    """Microseconds since 1970 UTC, or None when the README's grammar or the calendar refuses
    it. No zone means UTC; fraction digits past the sixth are dropped."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction = match.group(7) or ""
    offset = 0
    if match.group(9):
        zone_hours, zone_minutes = int(match.group(10)), int(match.group(11))
        if zone_hours > 23 or zone_minutes > 59:
            return None
        offset = (zone_hours * 60 + zone_minutes) * (1 if match.group(9) == "+" else -1)
    try:
        moment = datetime.datetime(year, month, day, hour, minute, second, int((fraction + "000000")[:6]),
                                   tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    return (moment - _EPOCH) // datetime.timedelta(microseconds=1) - offset * 60 * MICROS


def _is_number(value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def decode_order(value: bytes | None) -> Order:
    """The order in a record value, or Malformed naming the first reason that applies; each
    reason is checked over every field before the next one."""
    if not value:
        raise Malformed("invalid-json")
    try:
        text = value.decode("utf-8")
        # Numbers with a fraction or an exponent become Decimal (exact), plain ones int: that
        # is how "quantity must be an integer" and "price exactly" are told apart.
        document = json.loads(text, parse_float=Decimal, parse_constant=_not_json)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise Malformed("invalid-json") from None
    if "\\u" in text and _has_lone_surrogate(document):
        raise Malformed("invalid-json")
    if not isinstance(document, dict):
        raise Malformed("not-an-object")
    if any(document.get(name) is None for name in FIELDS) or not document["order_id"] or \
            not document["product_id"]:
        # An empty id is as good as none: "" cannot name an order or a product.
        raise Malformed("missing-field")
    price, quantity = document["price"], document["quantity"]
    if any(not isinstance(document[name], str) for name in TEXT_FIELDS) or not _is_number(price) \
            or not isinstance(quantity, int) or isinstance(quantity, bool):
        raise Malformed("wrong-type")
    event_time = parse_timestamp(document["timestamp"])
    if event_time is None:
        raise Malformed("bad-timestamp")
    if price < 0:
        raise Malformed("negative-price")
    if quantity < 0:
        raise Malformed("negative-quantity")
    if price >= LIMIT or quantity >= LIMIT:
        raise Malformed("out-of-range")
    micros = int((Decimal(price) * _MICRO).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    return Order(document["order_id"], document["product_id"], document["product_name"], document["category"],
                 micros, quantity, document["customer_id"], event_time)


def window_start(time: int, length: int) -> int:
    """Start of the tumbling window (aligned to the Unix epoch) holding `time`."""
    return time - time % length


def iso_utc(micros: int) -> str:
    """The analyzer's time format: UTC, microseconds, `Z`."""
    moment = _EPOCH + datetime.timedelta(microseconds=micros)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def cents(numerator: int, denominator: int = 1) -> Decimal:
    """numerator / denominator micro-units rounded to the cent, half away from zero, exactly
    (integer arithmetic: no binary fraction ever rounds first)."""
    scaled_num, scaled_den = abs(numerator) * 100, denominator * MICROS
    units = (2 * scaled_num + scaled_den) // (2 * scaled_den)
    units = -units if numerator < 0 else units
    return Decimal(units).scaleb(-2).quantize(Decimal("0.01"))


def money_json(value: Decimal) -> float:
    """A cent amount as a JSON number: the float nearest to it prints as the same two decimals."""
    return float(value)
