"""Argument types shared by the CLI's commands."""

from __future__ import annotations

from datetime import date

from google.type.date_pb2 import Date


def parse_date(text: str) -> Date:
    day = date.fromisoformat(text)
    return Date(year=day.year, month=day.month, day=day.day)


def choices(enum_items, prefix: str) -> dict[str, int]:
    """CLI words for a proto enum: LABEL_STATUS_GRANTED -> granted."""
    return {name.removeprefix(prefix).lower(): value for name, value in enum_items}
