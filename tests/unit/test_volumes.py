"""Interval records: what is malformed, and the workforce-management CSV reader."""

from datetime import UTC, datetime, timedelta

import pytest

from services.cli.volumes_csv import read_volumes
from services.common.wording import render
from services.rules.volumes import from_the_future, interval_problems
from services.rules.wording import text

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "minutes", "offered", "handled", "fields"),
    [
        (AT, 15, 10, 10, []),
        (AT.replace(minute=45), 15, 10, 9, []),
        (AT.replace(minute=30), 30, 0, 0, []),
        (AT.replace(minute=45), 30, 10, 9, ["interval_start"]),
        (AT.replace(minute=7), 15, 10, 9, ["interval_start"]),
        (AT.replace(second=1), 15, 10, 9, ["interval_start"]),
        (AT, 20, 10, 9, ["interval_minutes"]),
        (AT, 60, 10, 9, ["interval_minutes"]),
        (AT, 15, 10, 11, ["handled_contacts"]),
        (AT.replace(minute=5), 0, 1, 2, ["interval_minutes", "handled_contacts"]),
    ],
)
def test_interval_problems(start, minutes, offered, handled, fields):
    assert [f for f, _ in interval_problems(start, minutes, offered, handled)] == fields


def test_each_problem_says_why_in_the_callers_language():
    problems = dict(interval_problems(AT.replace(minute=5), 20, 10, 1234))
    assert problems == {
        "interval_minutes": text("volume-interval-minutes", minutes=20),
        "handled_contacts": text("volume-handled-above-offered", handled=1234, offered=10),
    }
    assert render(problems["interval_minutes"], "fr") == "20 minutes au lieu de 15 ou 30"
    assert render(problems["handled_contacts"], "fr") == (
        "1\u202f234 contacts traités, soit plus que les 10 présentés"
    )
    assert render(problems["handled_contacts"], "en") == "1,234 handled is more than 10 offered"
    [(field, reason)] = interval_problems(AT.replace(minute=45), 30, 10, 9)
    assert (field, reason) == ("interval_start", text("volume-interval-start", minutes=30))
    assert render(reason, "fr") == "ne correspond pas au début d'un intervalle de 30 minutes"


def test_an_interval_still_to_come_is_refused_with_both_instants():
    assert from_the_future(AT + timedelta(minutes=5), AT) is None  # the clocks may differ
    reason = from_the_future(AT + timedelta(minutes=30), AT)
    assert reason == text(
        "volume-interval-future", start="2026-03-02T08:30Z", now="2026-03-02T08:00Z", minutes=5
    )
    assert render(reason, "fr") == (
        "commence à 2026-03-02T08:30Z, après l'heure actuelle (2026-03-02T08:00Z, 5 minutes"
        " d'écart d'horloge tolérées)"
    )
    assert "after now" in render(reason, "en")


def test_a_french_export_with_semicolons_and_local_time():
    text = (
        "Date;Time;Site;Offered;Handled;Forecast;Handle_Time_s\n"
        "02/03/2026;08:00;lille;52;50;48;9120\n"
        "02/03/2026;08:15;lille;61;57;55;10230.5\n"
    )
    records = read_volumes(text, contract_id="c-1")
    assert [r.site_id for r in records] == ["lille", "lille"]
    # 08:00 in Paris in March (UTC+1) is 07:00 UTC.
    assert records[0].interval_start.ToDatetime(tzinfo=UTC) == datetime(
        2026, 3, 2, 7, 0, tzinfo=UTC
    )
    assert (records[1].offered_contacts, records[1].handled_contacts) == (61, 57)
    assert records[1].handled_seconds == 10230
    assert {r.contract_id for r in records} == {"c-1"}
    assert {r.interval_minutes for r in records} == {15}


def test_iso_timestamps_and_columns_that_override_the_options():
    text = (
        "contract_id,interval_start,interval_minutes,site_id,offered,handled,forecast,handled_seconds\n"
        "c-9,2026-07-14T10:30:00+02:00,30,nantes,10,9,8,2000\n"
    )
    (record,) = read_volumes(text, contract_id="ignored", minutes=15)
    assert (record.contract_id, record.interval_minutes) == ("c-9", 30)
    assert record.interval_start.ToDatetime(tzinfo=UTC) == datetime(2026, 7, 14, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2026-03-02;08:00;lille;x;1;1;1", "line 2"),
        ("2026-03-02;;lille;1;1;1;1", "line 2"),
        ("31/02/2026;08:00;lille;1;1;1;1", "line 2"),
    ],
)
def test_a_bad_line_is_named(row, reason):
    with pytest.raises(ValueError, match=reason):
        read_volumes(f"date;time;site;offered;handled;forecast;handled_seconds\n{row}\n", "c")


def test_an_offset_is_required_on_iso_timestamps():
    text = "interval_start,site,offered,handled\n2026-03-02T08:00:00,lille,1,1\n"
    with pytest.raises(ValueError, match="offset"):
        read_volumes(text, "c")
