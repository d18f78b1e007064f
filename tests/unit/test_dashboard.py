"""The dashboard's pure parts: French formats, the charts' points, the lead-time calendar,
the evidence charts, the findings filters and the sign-in's redirects."""

from __future__ import annotations

import re
from datetime import date

import pytest
from google.protobuf import json_format
from vigie.compliance.v1 import compliance_pb2 as pb

from services.common import identity, wording
from services.common.identity import Role
from services.dashboard import french, session
from services.dashboard.calendar import french_holidays, lead_time_calendar
from services.dashboard.charts import Series, axis_top, line_chart, nice_ceiling
from services.dashboard.evidence import volume_chart
from services.dashboard.findings import FindingQuery, row
from services.dashboard.markup import e
from services.dashboard.pages.finding import evidence_table, worded_figures
from services.dashboard.settings import DashboardSettings
from services.rules.purchasing import review
from tests.unit.test_catalogue import ENGLISH_WORDS
from tests.unit.test_purchasing import WORST


def test_numbers_and_percentages_are_written_the_french_way() -> None:
    assert french.number(1234567) == "1\u202f234\u202f567"
    assert french.number(1234.5, 2) == "1\u202f234,50"
    assert french.percent(0.125, ratio=True) == "12,5\u00a0%"
    assert french.percent(40.0) == "40\u00a0%"
    assert french.percent(None) == "—"


def test_dates_are_written_the_french_way() -> None:
    assert french.day(date(2026, 12, 1)) == "1er décembre 2026"
    assert french.day(date(2026, 8, 15)) == "15 août 2026"
    assert french.week("2026-W07") == "sem. 7"
    assert french.country("MA") == "Maroc"
    assert french.lead_time(1, 3) == "1 mois"
    assert french.lead_time(10, 2) == "10 jours ouvrés"


def test_a_line_chart_has_one_point_per_value_and_none_for_a_gap() -> None:
    svg = line_chart(
        "Parts", ["s1", "s2", "s3"], [Series("a", [1.0, None, 3.0]), Series("b", [2, 2, 2])]
    )
    assert svg.count('<circle class="point') == 5
    assert 'data-points="5"' in svg
    # The gap breaks series a: no line for it (one point on each side), one line for b.
    assert svg.count("<polyline") == 1


def test_chart_text_is_escaped() -> None:
    svg = line_chart("<script>", ["<b>"], [Series("<i>", [1])])
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg


@pytest.mark.parametrize(
    ("value", "axis"), [(0, 1), (4, 5), (7, 10), (12, 20), (24_000, 25_000), (0.3, 0.5)]
)
def test_axes_end_on_a_round_number(value: float, axis: float) -> None:
    assert nice_ceiling(value) == pytest.approx(axis)


@pytest.mark.parametrize(
    ("values", "top"),
    [([], 4), ([5], 8), ([1, 2], 4), ([13], 20), ([0.3], 0.4), ([40_000], 40_000)],
)
def test_axes_have_four_round_steps_whole_for_counts(values: list[float], top: float) -> None:
    assert axis_top(values) == pytest.approx(top)


def test_french_holidays_come_with_their_names() -> None:
    off = french_holidays(date(2026, 11, 1), date(2026, 12, 31))
    assert off == {
        date(2026, 11, 1): "Toussaint",
        date(2026, 11, 11): "Armistice",
        date(2026, 12, 25): "Noël",
    }


def test_the_calendar_marks_required_and_actual_lead_times() -> None:
    html = lead_time_calendar(
        notified_on=date(2026, 11, 25), deadline=date(2026, 9, 4), effective=date(2026, 12, 5)
    )
    cells = re.findall(r'<td class="([^"]+)" data-date="([^"]+)"', html)
    by_day = {d: css.split() for css, d in cells}
    # The law's counting: neither the deadline nor the notice day counts, the day after does.
    assert "deadline" in by_day["2026-09-04"] and "required" not in by_day["2026-09-04"]
    assert "required" in by_day["2026-09-05"]
    assert "notified" in by_day["2026-11-25"] and "actual" not in by_day["2026-11-25"]
    assert {"actual", "required"} <= set(by_day["2026-11-26"])
    assert "effective" in by_day["2026-12-05"] and "required" not in by_day["2026-12-05"]
    assert sum("actual" in css for css in by_day.values()) == 9


def test_the_calendar_of_a_verdict_that_counted_the_notice_day() -> None:
    html = lead_time_calendar(
        notified_on=date(2026, 11, 25),
        deadline=date(2026, 9, 5),
        effective=date(2026, 12, 5),
        notice_day_counts=True,
    )
    cells = re.findall(r'<td class="([^"]+)" data-date="([^"]+)"', html)
    by_day = {d: css.split() for css, d in cells}
    assert "required" in by_day["2026-09-05"] and "deadline" in by_day["2026-09-05"]
    assert "actual" not in by_day["2026-11-24"]
    assert {"actual", "required", "notified"} <= set(by_day["2026-11-25"])
    assert "effective" in by_day["2026-12-05"] and "required" not in by_day["2026-12-05"]
    assert "holiday" in by_day["2026-11-11"]
    assert "weekend" in by_day["2026-11-28"]
    assert sum("actual" in css for css in by_day.values()) == 10
    assert [m for m in re.findall(r"<caption>([^<]+)</caption>", html)] == [
        "septembre 2026",
        "octobre 2026",
        "novembre 2026",
        "décembre 2026",
    ]


def test_volume_evidence_becomes_a_chart() -> None:
    offshoring = {
        "window_before": "2026-W13 to 2026-W16",
        "window_after": "2026-W17 to 2026-W20",
        "onshore_before": 40000,
        "onshore_after": 24000,
        "offshore_before": 4000,
        "offshore_after": 18000,
    }
    assert 'data-points="4"' in volume_chart("offshoring_shift", offshoring)
    forecasts = {"weeks": "2026-W10,2026-W11,2026-W12", "forecast": "9,9,9", "handled": "5,5,5"}
    assert 'data-points="6"' in volume_chart("forecast_accuracy", forecasts)
    unannounced = {
        "week": "2026-W10",
        "plan": "1000",
        "offered": 700,
        "forecast": 1000,
        "handled": 650,
    }
    assert 'data-points="4"' in volume_chart("unannounced_change", unannounced)
    by_site = {
        "plan": "1000",
        "weekly_handled_by_site": [
            {"week": "2026-W10", "site_id": "lille-1", "handled": 100},
            {"week": "2026-W11", "site_id": "lille-1", "handled": 50},
            {"week": "2026-W11", "site_id": "rabat-1", "handled": 60},
        ],
    }
    chart = volume_chart("unannounced_change", by_site)  # the series wins over the sums
    assert 'data-points="3"' in chart and 'data-series="rabat-1"' in chart
    by_country = {
        "weekly_handled_by_country": [
            {"week": "2026-W10", "country": "FR", "handled": 100},
            {"week": "2026-W10", "country": "MA", "handled": 10},
        ]
    }
    assert 'data-series="Maroc"' in volume_chart("offshoring_shift", by_country)
    assert volume_chart("offshoring_shift", {"window_before": "x"}) == ""
    assert volume_chart("payment_terms", {"observed": "75 days"}) == ""


def test_filters_read_from_the_query_string_drop_what_they_do_not_know() -> None:
    query = FindingQuery.from_query(
        {"donneur": " banque ", "type": "4", "gravite": "9", "depuis": "2026-11-02"}
    )
    assert query == FindingQuery("banque", pb.FINDING_TYPE_NOTICE_BREACH, 0, date(2026, 11, 2))
    wanted = query.to_filter()
    assert list(wanted.types) == [pb.FINDING_TYPE_NOTICE_BREACH]
    # Midnight in Paris (UTC+1 in November).
    assert wanted.since.ToJsonString() == "2026-11-01T23:00:00Z"
    assert FindingQuery.from_query({"depuis": "hier", "type": "x"}) == FindingQuery()
    assert FindingQuery.from_query({"donneur": "a&b"}).query_string() == "donneur=a%26b"


def test_a_finding_row_escapes_what_the_backend_sent() -> None:
    finding = pb.Finding(
        finding_id="f-1",
        ordering_party_id="<op>",
        summary="<img src=x onerror=alert(1)>",
        reference="L441-10",
        severity=pb.SEVERITY_SERIOUS,
        rule="payment_terms",
    )
    html = row(finding)
    assert "<img" not in html and e("<img src=x onerror=alert(1)>") in html
    assert "Délais de paiement" in html and "Grave" in html


def test_sign_in_accepts_only_valid_tokens_and_local_redirects() -> None:
    settings = DashboardSettings()
    token = identity.mint(settings.token_key, Role.ORDERING_PARTY, "banque")
    caller = session.caller_from(settings, token)
    assert caller is not None and caller.organisation_id == "banque"
    assert session.caller_from(settings, token + "x") is None
    forged = identity.mint("another-key-another-key-another-key!", Role.COMMITTEE, "committee")
    assert session.caller_from(settings, forged) is None
    assert session.home_of(caller) == "/donneurs-d-ordre/banque"
    assert session.safe_next("/constats?type=4") == "/constats?type=4"
    for outside in ("//evil.example", "https://evil.example", "/\\evil.example", ""):
        assert session.safe_next(outside) is None


@pytest.mark.parametrize("advisory", review(WORST), ids=lambda a: a.rule)
def test_a_practice_s_figures_show_in_french_not_as_their_record(advisory) -> None:
    # The evidence keeps "90 days" and "no cap" as fixed records; the page shows the phrases
    # the explanation carries.
    finding = pb.Finding(
        rule=advisory.rule, explanation_wording=wording.to_proto(advisory.explanation)
    )
    finding.evidence.update({"observed": advisory.observed, "limit": advisory.limit})
    worded = worded_figures(finding)
    assert set(worded) == {"observed", "limit"}
    html = evidence_table(json_format.MessageToDict(finding.evidence), worded)
    cells = re.findall(r"<td>([^<]*)</td>", html)
    assert e(worded["observed"]) in cells and e(worded["limit"]) in cells
    assert not {w for w in re.findall(r"[\w']+", " ".join(cells)) if w in ENGLISH_WORDS}


def test_an_older_finding_without_phrases_shows_its_record() -> None:
    finding = pb.Finding(rule="payment_terms", explanation="Délais convenus trop longs.")
    assert worded_figures(finding) == {}
    assert "75 days" in evidence_table({"observed": "75 days"}, worded_figures(finding))
