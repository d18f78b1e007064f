"""Bounded inputs, in the shared plumbing: errors that never echo a huge input, the text
rule every request field shares, the token lifetime cap, and the lead-time counting whose
work the accepted dates bound."""

from __future__ import annotations

import base64
import time
from datetime import date, timedelta
from decimal import Decimal

import jwt
import pytest
from google.type.date_pb2 import Date
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.labels.v1 import labels_pb2

from services.common import identity
from services.common.errors import (
    MAX_VIOLATIONS,
    AlreadyExists,
    InvalidArgument,
    NotFound,
    Unauthenticated,
    to_trailers,
)
from services.common.validation import (
    EARLIEST_DATE,
    LATEST_DATE,
    check,
    date_problem,
    text_problems,
)
from services.common.wording import render
from services.notices.notices import MAX_NOTICE_AHEAD
from services.rules import Violation, lead_time
from services.rules.calendar import french_public_holidays
from services.rules.lead_time import LeadTimeUnit, NoticeBand, WorkloadChange
from services.rules.wording import text

KEY = "a-test-key-of-sufficient-length-for-hs256"
METADATA_LIMIT = 16 * 1024


def trailer_bytes(error) -> int:
    """The error's size on the wire: binary metadata travels base64-encoded."""
    _, message, trailers = to_trailers(error)
    values = (base64.b64encode(v) if k.endswith("-bin") else v.encode() for k, v in trailers)
    return len(message.encode()) + sum(len(v) for v in values) + sum(len(k) for k, _ in trailers)


@pytest.mark.parametrize("error_type", [NotFound, AlreadyExists])
def test_a_resource_name_is_quoted_as_a_short_prefix(error_type):
    error = error_type("centre", "x" * 100_000)
    assert "x" * 63 + "…" in str(error) and "x" * 65 not in str(error)
    assert trailer_bytes(error) < 1_000


def test_a_refusal_lists_twenty_violations_and_counts_the_rest():
    violations = [Violation(f"sites[{i}].name" + "y" * 5_000, "z" * 5_000) for i in range(10_000)]
    error = InvalidArgument(violations)
    assert len(error.violations) == MAX_VIOLATIONS + 1
    more = error.violations[-1].reason
    assert render(more, "fr") == "et 9\u202f980 autres anomalies, non détaillées"
    assert render(more, "en") == "and 9,980 more violations not listed"
    assert error.violations[-1].field.startswith("sites[20].name")
    assert trailer_bytes(error) < METADATA_LIMIT


def test_a_short_refusal_is_untouched():
    error = InvalidArgument([Violation("terms.scope", "must be at least 3 characters")])
    assert error.violations == [Violation("terms.scope", "must be at least 3 characters")]


def test_control_characters_are_named_by_field_path_without_the_value():
    request = labels_pb2.RegisterCentreRequest(
        centre_id="ctr-lille",
        name="Lille\x1b[2J",
        sites=[
            labels_pb2.Site(site_id="lille-1", name="Lille", country="FR"),
            labels_pb2.Site(site_id="lille-2", name="Lille", country="FR", city="a\x00b"),
        ],
    )
    assert text_problems(request) == [
        Violation("name", text("validation-control-character", code="U+001B")),
        Violation("sites[1].city", text("validation-control-character", code="U+0000")),
    ]
    assert render(text_problems(request)[0].reason, "fr") == (
        "La valeur ne doit contenir aucun caractère de contrôle (U+001B trouvé)."
    )
    assert render(text_problems(request)[0].reason, "en") == (
        "must not contain control characters: U+001B"
    )


def test_free_text_keeps_line_breaks_and_tabs_only():
    reason = labels_pb2.SuspendLabelRequest(centre_id="c", reason="un\n\tdeux")
    assert text_problems(reason) == []
    reason.reason = "un\rdeux"
    assert text_problems(reason) == [
        Violation("reason", text("validation-control-character-free-text", code="U+000D"))
    ]
    assert render(text_problems(reason)[0].reason, "fr") == (
        "La valeur ne doit contenir aucun caractère de contrôle autre que les sauts de ligne et"
        " les tabulations (U+000D trouvé)."
    )
    assert [v.field for v in text_problems(labels_pb2.GetCentreRequest(centre_id="a\nb"))] == [
        "centre_id"
    ]
    # C1 controls and DEL too, not printable letters beyond ASCII.
    assert text_problems(labels_pb2.GetCentreRequest(centre_id="é\u0085")) != []
    assert text_problems(labels_pb2.GetCentreRequest(centre_id="Sète-Île")) == []


def test_a_stream_numbers_items_across_its_chunks():
    chunk = cpb.ReportVolumesRequest(
        records=[cpb.VolumeRecord(site_id="s", handled_seconds=2**32 - 1)]
    )
    with pytest.raises(InvalidArgument) as refused:
        check(chunk, offsets={"records": 10_000})
    assert [v.field for v in refused.value.violations] == ["records[10000].handled_seconds"]


@pytest.mark.parametrize(
    "value, accepted",
    [
        (date(1, 1, 1), False),
        (date(1900, 1, 1), False),
        (EARLIEST_DATE - timedelta(days=1), False),
        (EARLIEST_DATE, True),
        (LATEST_DATE, True),
        (date(9999, 12, 31), False),
    ],
)
def test_dates_are_within_the_window(value, accepted):
    proto = cpb.TenderTerms().start_date.__class__(
        year=value.year, month=value.month, day=value.day
    )
    assert (date_problem(proto, "start_date") is None) is accepted


def test_a_date_outside_the_window_or_the_calendar_is_explained():
    window = date_problem(Date(year=1999, month=12, day=31), "terms.start_date")
    assert window == Violation(
        "terms.start_date",
        text("validation-date-range", earliest=EARLIEST_DATE, latest=LATEST_DATE),
    )
    assert render(window.reason, "fr") == (
        "La date doit être comprise entre le 1 janvier 2000 et le 31 décembre 2100."
    )
    impossible = date_problem(Date(year=2026, month=2, day=31), "terms.end_date")
    assert impossible == Violation(
        "terms.end_date", text("validation-not-a-calendar-date", given="2026-02-31")
    )
    assert render(impossible.reason, "fr") == "La date 2026-02-31 n'existe pas dans le calendrier."
    assert render(impossible.reason, "en") == "not a calendar date: 2026-02-31"


def claims(**changes) -> dict:
    now = int(time.time())
    base = {"iss": "vigie", "sub": "c", "role": "committee", "org": "committee", "iat": now}
    return base | {"exp": now + 3600} | changes


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": int(time.mktime((3000, 1, 1, 0, 0, 0, 0, 0, 0)))},
        {"exp": int(time.time()) + 25 * 3600},
        {"iat": int(time.time()) - 3600, "exp": int(time.time()) + 24 * 3600},  # 25 h in all
        {"org": "a\x00b"},
        {"org": "o" * 500},
    ],
)
def test_tokens_beyond_a_day_or_naming_odd_organisations_are_refused(changes):
    token = jwt.encode(claims(**changes), KEY, algorithm=identity.ALGORITHM)
    with pytest.raises(Unauthenticated):
        identity.verify(KEY, token)


def test_a_token_of_a_working_day_is_accepted():
    token = identity.mint(KEY, identity.Role.CENTRE, "ctr-lille", ttl=8 * 3600)
    assert identity.verify(KEY, token).organisation_id == "ctr-lille"


class CountingCalendar:
    """The French holidays, counting the years asked for: the lead-time counting's work."""

    def __init__(self) -> None:
        self.years = 0

    def __call__(self, year: int):
        self.years += 1
        return french_public_holidays(year)


@pytest.mark.parametrize(
    "unit, longest", [(LeadTimeUnit.BUSINESS_DAYS, 783), (LeadTimeUnit.CALENDAR_DAYS, 1096)]
)
def test_the_lead_time_counting_is_bounded_for_the_widest_accepted_notice(unit, longest):
    """Notified on the last accepted day minus the horizon, effective on the last accepted day,
    with the longest lead time a band may ask: a few dozen holiday years looked up at most
    (a notice effective in 9999 asked for thousands before dates were bounded)."""
    effective = LATEST_DATE
    notified = effective - MAX_NOTICE_AHEAD
    calendar = CountingCalendar()
    band = NoticeBand(up_to_percent=None, lead_time=longest, unit=unit)
    verdict = lead_time.assess([band], WorkloadChange(Decimal(-40)), notified, effective, calendar)
    lead_time.below_agent_floor(notified, effective, calendar)
    assert verdict.complies
    assert calendar.years <= 40, calendar.years
