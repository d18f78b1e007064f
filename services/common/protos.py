"""Conversions between protobuf well-known types and Python values."""

from __future__ import annotations

from datetime import UTC, date, datetime

from google.protobuf.timestamp_pb2 import Timestamp
from google.type.date_pb2 import Date


def to_date(value: Date) -> date:
    """A google.type.Date as a date; raises ValueError for an impossible date (31 Feb)."""
    return date(value.year, value.month, value.day)


def optional_date(message, field: str) -> date | None:
    """The date in a message's Date field, or None when the field is not set."""
    return to_date(getattr(message, field)) if message.HasField(field) else None


def from_date(value: date | None) -> Date | None:
    return None if value is None else Date(year=value.year, month=value.month, day=value.day)


def timestamp(value: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(value.astimezone(UTC))
    return stamp
