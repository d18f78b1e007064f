"""Sample requests: the demo's story, and terms the tests and benchmarks build on."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from google.protobuf import json_format
from google.type.date_pb2 import Date
from vigie.contracts.v1 import contracts_pb2 as cpb

FOLDER = Path(__file__).parent


def responsible_tender(start: date, years: int = 3) -> cpb.TenderTerms:
    """Perennial terms that raise no purchasing advisory and no finding: three years, a notice
    schedule, a volume commitment, capped penalties, a price above the labour-cost floor,
    45-day payment, a sealed bid, sites in France only."""
    terms = json_format.Parse((FOLDER / "tender-responsible.json").read_text(), cpb.TenderTerms())
    end = start + timedelta(days=years * 365)
    terms.start_date.CopyFrom(Date(year=start.year, month=start.month, day=start.day))
    terms.end_date.CopyFrom(Date(year=end.year, month=end.month, day=end.day))
    return terms


def perennial_terms(start: date, contacts_per_month: int) -> cpb.TenderTerms:
    """Responsible perennial terms with a baseline volume, as a signed contract carries them:
    what tests and benchmarks that publish contract events straight to Kafka sign."""
    terms = responsible_tender(start)
    terms.forecast.contacts_per_month = contacts_per_month
    return terms
