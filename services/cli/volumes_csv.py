"""Reading interval volumes from a workforce-management CSV export.

Accepted columns (header names, any case; `,` or `;` separated):
- `interval_start` (ISO 8601 with its offset), or `date` (YYYY-MM-DD or DD/MM/YYYY) and
  `time` (HH:MM, French local time);
- `site` or `site_id`; `offered`; `handled`; `forecast`;
- `handled_seconds` or `handle_time_s`;
- optional `interval_minutes` and `contract_id` (else given on the command line)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, time

from google.protobuf.timestamp_pb2 import Timestamp
from vigie.contracts.v1 import contracts_pb2 as pb

from services.common.clock import PARIS

ALIASES = {"site": "site_id", "handle_time_s": "handled_seconds"}


def read_volumes(text: str, contract_id: str = "", minutes: int = 15) -> list[pb.VolumeRecord]:
    """Every row as a VolumeRecord; ValueError naming the line of the first bad one."""
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;")
    rows = csv.DictReader(io.StringIO(text), dialect=dialect)
    return list(_records(rows, contract_id, minutes))


def _records(rows: csv.DictReader, contract_id: str, minutes: int) -> Iterator[pb.VolumeRecord]:
    for line, raw in enumerate(rows, start=2):
        row = {
            ALIASES.get(k.strip().lower(), k.strip().lower()): (v or "").strip()
            for k, v in raw.items()
        }
        try:
            yield _record(row, contract_id, minutes)
        except (KeyError, ValueError) as exc:
            raise ValueError(f"line {line}: {exc!r}") from None


def _record(row: dict[str, str], contract_id: str, minutes: int) -> pb.VolumeRecord:
    start = Timestamp()
    start.FromDatetime(_interval_start(row).astimezone(UTC))
    return pb.VolumeRecord(
        contract_id=row.get("contract_id") or contract_id,
        site_id=row["site_id"],
        interval_start=start,
        interval_minutes=int(row.get("interval_minutes") or minutes),
        offered_contacts=int(row["offered"]),
        handled_contacts=int(row["handled"]),
        forecast_contacts=int(row.get("forecast") or 0),
        handled_seconds=int(float(row.get("handled_seconds") or 0)),
    )


def _interval_start(row: dict[str, str]) -> datetime:
    if row.get("interval_start"):
        start = datetime.fromisoformat(row["interval_start"])
        if start.tzinfo is None:
            raise ValueError("interval_start needs its offset, e.g. 2026-03-02T08:00:00+01:00")
        return start
    day = _day(row["date"])
    return datetime.combine(day, time.fromisoformat(row["time"]), tzinfo=PARIS)


def _day(text: str) -> date:
    if "/" in text:
        day, month, year = text.split("/")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)
