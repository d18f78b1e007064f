"""Offshoring: the shift between two windows at and around its thresholds, windows across year
ends; amendments and perennial tenders that open offshore sites; properties with hypothesis."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.wording import render
from services.rules.calendar import add_weeks, iso_week
from services.rules.findings import Severity
from services.rules.offshoring import (
    CountryVolume,
    OffshoringPolicy,
    offshore_allowed_perennial,
    offshore_amendment,
    offshoring_drift,
    offshoring_shift,
)
from services.rules.purchasing import ActivityType
from services.rules.wording import text

END = (2026, 8)  # the latest window is 2026-W05..W08, the one before 2026-W01..W04


def weekly(
    fr_before: int, fr_after: int, off_before: int, off_after: int, end=END, key="op-1"
) -> list[CountryVolume]:
    """Per-week volumes over the two 4-week windows ending at `end`."""
    found = []
    for i in range(8):
        year, week = add_weeks(*end, -i)
        late = i < 4
        found.append(CountryVolume(key, "FR", year, week, fr_after if late else fr_before))
        found.append(CountryVolume(key, "MA", year, week, off_after if late else off_before))
    return found


@pytest.mark.parametrize(
    ("fr_after", "off_after", "breach"),
    [
        (900, 50, True),  # onshore -10 % (400), offshore +200 = 0.5 × 400: both at the edge
        (900, 49, False),  # offshore +196 < 200
        (901, 60, False),  # onshore -9.9 %
        (899, 51, True),
        (500, 250, True),
        (500, 249, False),
        (1000, 500, False),  # onshore steady
        (1100, 500, False),  # onshore up
        (0, 500, True),  # onshore gone
    ],
)
def test_the_shift_thresholds(fr_after, off_after, breach):
    history = weekly(1000, fr_after, 0, off_after)
    assert (offshoring_shift(history, "op-1", *END) is not None) == breach


def test_offshore_volume_that_fell_is_no_shift():
    assert offshoring_shift(weekly(1000, 500, 800, 700), "op-1", *END) is None


def test_no_onshore_volume_before_is_no_shift():
    assert offshoring_shift(weekly(0, 0, 100, 900), "op-1", *END) is None


@pytest.mark.parametrize(
    ("policy", "breach"),
    [
        (OffshoringPolicy(min_shift_percent=Decimal("20")), False),  # the fall is 10 %
        (OffshoringPolicy(comparable_ratio=Decimal("0.6")), False),  # the rise is 0.5 × fall
        (OffshoringPolicy(comparable_ratio=Decimal("0.25")), True),
        (OffshoringPolicy(onshore=frozenset({"FR", "MA"})), False),  # MA onshore: no offshore
    ],
)
def test_the_thresholds_are_parameters(policy, breach):
    history = weekly(1000, 900, 0, 50)
    assert (offshoring_shift(history, "op-1", *END, policy) is not None) == breach


def test_the_shift_breach():
    history = weekly(1000, 800, 100, 250)
    history.append(CountryVolume("op-1", "tn", 2026, 6, 40))  # lower case: TN
    history.append(CountryVolume("op-1", "FR", 2026, 6, 0))  # adds up with the other FR record
    breach = offshoring_shift(history, "op-1", *END)
    assert breach is not None
    assert (breach.rule, breach.severity, breach.subject) == (
        "offshoring_shift",
        Severity.SERIOUS,
        "op-1|2026-W08",
    )
    assert breach.evidence == {
        "key": "op-1",
        "window_before": "2026-W01 to 2026-W04",
        "window_after": "2026-W05 to 2026-W08",
        "onshore_before": 4000,
        "onshore_after": 3200,
        "offshore_before": 400,
        "offshore_after": 1040,
        "onshore_fall_percent": "20",
        "offshore_rise": 640,
        "countries": "FR,MA,TN",
        "offshore_countries_rising": "MA,TN",
        "onshore_countries": "FR,GF,GP,MQ,RE,YT",
        "weeks_between_windows": 4,
        "min_shift_percent": "10",
        "comparable_ratio": "0.5",
    }
    figures = {
        "key": "op-1",
        "after": text("offshoring-window", first="2026-W05", last="2026-W08", weeks=4),
        "before": text("offshoring-window", first="2026-W01", last="2026-W04", weeks=4),
        "fall_percent": Decimal("20"),
        "rise": 640,
        "countries": ("MA", "TN"),
    }
    assert breach.summary == text("offshoring-movement-summary", **figures)
    assert breach.explanation == text(
        "offshoring-shift-explanation",
        onshore_after=3200,
        onshore_before=4000,
        offshore_after=1040,
        offshore_before=400,
        fall=800,
        where=text("offshoring-onshore-france"),
        min_shift=Decimal("10"),
        ratio=Decimal("0.5"),
        **figures,
    )
    assert breach.reference == text("reference-offshoring-committee")
    assert render(breach.summary, "fr") == (
        "op-1 : volume national en baisse de 20\u202f% tandis que le volume à l'étranger augmente"
        " de 640 contacts (MA et TN), sur les semaines 2026-W05 à 2026-W08 contre les semaines"
        " 2026-W01 à 2026-W04."
    )
    assert render(breach.explanation, "fr") == (
        "Sur les semaines 2026-W05 à 2026-W08, op-1 a traité 3\u202f200 contacts sur les sites du"
        " périmètre national (France, départements et régions d'outre-mer compris) contre"
        " 4\u202f000 sur les semaines 2026-W01 à 2026-W04, soit 800 de moins (−20\u202f%), tandis"
        " que ses sites à l'étranger en traitaient 1\u202f040 contre 400, soit 640 de plus"
        " (MA et TN) : du volume quitte les centres nationaux pour des sites à l'étranger."
        " Seuils fixés par le comité : une baisse nationale d'au moins 10\u202f% et une hausse à"
        " l'étranger d'au moins 0,5 fois cette baisse."
    )
    assert render(breach.reference, "fr").startswith(
        "Règle du comité du label sur la délocalisation"
    )
    assert "1er et 2e engagements des donneurs d'ordre" in render(breach.reference, "fr")
    assert "3,200 contacts onshore (France, overseas departments included) against 4,000" in render(
        breach.explanation, "en"
    )


def test_a_shift_over_one_week_windows_and_a_set_of_onshore_countries():
    policy = OffshoringPolicy(onshore=frozenset({"FR", "BE"}), window_weeks=1)
    history = weekly(1000, 800, 100, 250, end=(2026, 12))  # W09 after W08, before
    breach = offshoring_shift(history, "op-1", 2026, 9, policy)
    assert breach is not None
    assert breach.explanation.values["where"] == ("BE", "FR")
    assert breach.summary.values["after"] == text(
        "offshoring-window", first="2026-W09", last="2026-W09", weeks=1
    )
    assert render(breach.summary, "fr").endswith(
        "sur la semaine 2026-W09 contre la semaine 2026-W08."
    )
    assert "sur les sites du périmètre national (BE et FR)" in render(breach.explanation, "fr")


def test_only_the_two_windows_and_the_key_count():
    history = weekly(1000, 900, 0, 50)
    outside = [
        CountryVolume("op-1", "FR", 2025, 52, 10**6),  # before the earlier window
        CountryVolume("op-1", "FR", 2026, 9, 10**6),  # after the latest one
        CountryVolume("op-2", "MA", 2026, 8, 10**6),  # another key
        CountryVolume("op-2", "FR", 2026, 1, 10**6),
    ]
    assert offshoring_shift(history + outside, "op-1", *END) == offshoring_shift(
        history, "op-1", *END
    )
    assert offshoring_shift(history, "op-2", *END) is None


def test_missing_weeks_count_as_no_volume():
    history = [
        CountryVolume("op-1", "FR", 2026, 1, 4000),
        CountryVolume("op-1", "FR", 2026, 8, 3000),
        CountryVolume("op-1", "MA", 2026, 5, 600),
    ]
    breach = offshoring_shift(history, "op-1", *END)
    assert breach is not None and breach.evidence["onshore_after"] == 3000


@pytest.mark.parametrize(
    ("end", "windows"),
    [
        ((2026, 2), ("2025-W47 to 2025-W50", "2025-W51 to 2026-W02")),
        ((2021, 2), ("2020-W48 to 2020-W51", "2020-W52 to 2021-W02")),  # 2020 has a W53
        ((2027, 1), ("2026-W47 to 2026-W50", "2026-W51 to 2027-W01")),  # 2026 too
    ],
)
def test_windows_across_year_ends(end, windows):
    breach = offshoring_shift(weekly(1000, 500, 0, 500, end=end), "op-1", *end)
    assert breach is not None
    assert (breach.evidence["window_before"], breach.evidence["window_after"]) == windows
    assert breach.evidence["onshore_before"] == 4000 and breach.evidence["onshore_after"] == 2000
    assert breach.subject == f"op-1|{end[0]}-W{end[1]:02d}"


def test_a_week_53_counts_in_its_window():
    history = [
        CountryVolume("op-1", "FR", 2020, 49, 1000),  # earlier window: 2020-W47..W50
        CountryVolume("op-1", "FR", 2020, 53, 500),  # latest window: 2020-W51..2021-W01
        CountryVolume("op-1", "MA", 2020, 53, 500),
    ]
    breach = offshoring_shift(history, "op-1", 2021, 1)
    assert breach is not None and breach.evidence["offshore_after"] == 500


@pytest.mark.parametrize(
    "kwargs",
    [
        {"onshore": frozenset()},
        {"onshore": frozenset({" "})},
        {"window_weeks": 0},
        {"min_shift_percent": Decimal("0")},
        {"min_shift_percent": Decimal("101")},
        {"comparable_ratio": Decimal("0")},
        {"comparable_ratio": Decimal("NaN")},
    ],
)
def test_a_nonsense_policy_is_refused(kwargs):
    with pytest.raises(ValueError):
        OffshoringPolicy(**kwargs)


def test_onshore_countries_are_compared_in_upper_case():
    assert OffshoringPolicy(onshore=frozenset({" fr", "re"})).onshore == {"FR", "RE"}


@pytest.mark.parametrize(
    ("country", "week", "handled"), [("", 10, 1), ("FR", 53, 1), ("FR", 10, -1)]
)
def test_a_nonsense_record_is_refused(country, week, handled):
    with pytest.raises(ValueError):
        CountryVolume("op-1", country, 2025, week, handled)


# --- amendments and tenders -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "subject"),
    [
        (["FR"], ["FR", "MA"], "c-1|MA"),
        (["FR"], ["MA"], "c-1|MA"),
        (["FR"], ["TN", "ma", "MA"], "c-1|MA,TN"),
        (["FR", "MA"], ["FR", "MA"], None),
        (["FR", "MA"], ["MA"], None),  # nothing offshore added
        (["MA"], ["MA", "TN"], "c-1|TN"),
        (["FR"], ["fr "], None),
        ([], ["FR"], None),
        ([], ["SN"], "c-1|SN"),
    ],
)
def test_offshore_amendment(before, after, subject):
    breach = offshore_amendment("c-1", before, after)
    assert (breach.subject if breach else None) == subject
    if breach:
        assert (breach.rule, breach.severity) == ("offshore_amendment", Severity.WARNING)


def test_an_amendment_that_moves_the_work():
    breach = offshore_amendment("c-1", ["FR"], ["MA"])
    assert breach is not None
    assert breach.evidence == {
        "contract_id": "c-1",
        "countries_before": "FR",
        "countries_after": "MA",
        "added_offshore": "MA",
        "dropped_onshore": "FR",
    }
    assert breach.summary == text("offshoring-amendment-summary", contract="c-1", countries=["MA"])
    assert breach.explanation == text(
        "offshoring-amendment-moving-explanation",
        contract="c-1",
        countries=["MA"],
        onshore=["FR", "GF", "GP", "MQ", "RE", "YT"],
        dropped=["FR"],
    )
    assert breach.reference == text("reference-offshoring-committee")
    assert render(breach.summary, "fr") == (
        "Contrat c-1 : un avenant ajoute des sites à l'étranger (MA)."
    )
    assert render(breach.explanation, "fr") == (
        "Un avenant du contrat c-1 ajoute des sites hors du périmètre national"
        " (FR, GF, GP, MQ, RE et YT), dans les pays suivants : MA ; il retire en outre les sites"
        " du contrat situés en FR. Ce travail peut ainsi partir à l'étranger, hors de portée des"
        " engagements du label."
    )
    assert "drops its sites in FR" in render(breach.explanation, "en")


def test_an_amendment_that_adds_offshore_sites_and_keeps_the_onshore_ones():
    breach = offshore_amendment("c-1", ["FR"], ["FR", "TN", "MA"])
    assert breach is not None
    assert breach.explanation == text(
        "offshoring-amendment-explanation",
        contract="c-1",
        countries=["MA", "TN"],
        onshore=["FR", "GF", "GP", "MQ", "RE", "YT"],
    )
    assert render(breach.summary, "fr") == (
        "Contrat c-1 : un avenant ajoute des sites à l'étranger (MA et TN)."
    )
    assert render(breach.explanation, "fr").startswith(
        "Un avenant du contrat c-1 ajoute des sites hors du périmètre national"
        " (FR, GF, GP, MQ, RE et YT), dans les pays suivants : MA et TN. Ce travail"
    )


def test_an_amendment_to_an_onshore_country_of_the_policy():
    mainland = OffshoringPolicy(onshore=frozenset({"FR"}))
    assert offshore_amendment("c-1", ["FR"], ["FR", "RE"], mainland) is not None
    # By default the overseas departments are France: Réunion, Mayotte... are onshore.
    for department in ("GP", "MQ", "GF", "RE", "YT"):
        assert offshore_amendment("c-1", ["FR"], ["FR", department]) is None
    assert offshore_amendment("c-1", ["FR"], ["FR", "MA"]) is not None


@pytest.mark.parametrize(
    ("activity", "allowed", "offshore"),
    [
        (ActivityType.PERENNIAL, [], "any"),  # no list: any country
        (ActivityType.PERENNIAL, ["FR"], None),
        (ActivityType.PERENNIAL, ["fr", "MA"], "MA"),
        (ActivityType.PERENNIAL, ["TN", "MA", "FR"], "MA,TN"),
        (ActivityType.CAMPAIGN, [], None),
        (ActivityType.PUNCTUAL, ["MA"], None),
        (1, ["MA"], "MA"),  # the protos' number for perennial
    ],
)
def test_offshore_allowed_perennial(activity, allowed, offshore):
    breach = offshore_allowed_perennial("t-1", activity, allowed)
    assert (breach.evidence["offshore_countries"] if breach else None) == offshore
    if breach:
        assert (breach.rule, breach.severity, breach.subject) == (
            "offshore_allowed_perennial",
            Severity.INFO,
            "t-1",
        )


def test_a_perennial_tender_open_to_any_country():
    breach = offshore_allowed_perennial("t-1", ActivityType.PERENNIAL, [])
    assert breach is not None
    assert breach.evidence == {
        "tender_id": "t-1",
        "allowed_countries": "any",
        "offshore_countries": "any",
    }
    assert breach.summary == text("offshoring-perennial-any-summary", tender="t-1")
    assert breach.explanation == text(
        "offshoring-perennial-any-explanation",
        tender="t-1",
        onshore=["FR", "GF", "GP", "MQ", "RE", "YT"],
    )
    assert breach.reference == text("reference-offshoring-committee")
    assert render(breach.summary, "fr") == (
        "L'appel d'offres pérenne t-1 autorise des sites dans tout pays, y compris à l'étranger."
    )
    assert render(breach.explanation, "fr").startswith(
        "L'appel d'offres pérenne t-1 ne restreint pas les pays de ses sites : il autorise des"
        " sites hors du périmètre national (FR, GF, GP, MQ, RE et YT)."
    )
    assert "(any country)" in render(breach.summary, "en")


def test_a_perennial_tender_open_to_named_countries():
    breach = offshore_allowed_perennial("t-1", ActivityType.PERENNIAL, ["TN", "fr", "MA"])
    assert breach is not None
    assert breach.summary == text(
        "offshoring-perennial-summary", tender="t-1", countries=["MA", "TN"]
    )
    assert breach.explanation == text(
        "offshoring-perennial-explanation",
        tender="t-1",
        countries=["MA", "TN"],
        onshore=["FR", "GF", "GP", "MQ", "RE", "YT"],
    )
    assert render(breach.summary, "fr") == (
        "L'appel d'offres pérenne t-1 autorise des sites à l'étranger (MA et TN)."
    )
    assert render(breach.explanation, "fr") == (
        "L'appel d'offres pérenne t-1 autorise des sites hors du périmètre national"
        " (FR, GF, GP, MQ, RE et YT), dans les pays suivants : MA et TN. Cette activité pérenne,"
        " pour laquelle le label demande de privilégier les centres labellisés, peut ainsi partir"
        " à l'étranger, hors de portée du label."
    )


# --- properties -----------------------------------------------------------------------------

countries = st.sampled_from(["FR", "fr", "MA", "TN", "SN", "RE"])
weeks = st.dates(min_value=date(2019, 1, 1), max_value=date(2031, 12, 31)).map(iso_week)
records = st.builds(
    lambda key, country, at, handled: CountryVolume(key, country, *at, handled),
    st.sampled_from(["op-1", "op-2"]),
    countries,
    weeks,
    st.integers(0, 10**6),
)


@st.composite
def dense_history(draw) -> tuple[list[CountryVolume], tuple[int, int]]:
    """Records around the week checked, so that windows are not empty."""
    end = draw(weeks)
    found = []
    for _ in range(draw(st.integers(0, 30))):
        at = add_weeks(*end, -draw(st.integers(-2, 12)))
        found.append(
            CountryVolume(
                draw(st.sampled_from(["op-1", "op-2"])),
                draw(countries),
                *at,
                draw(st.integers(0, 5000)),
            )
        )
    return found, end


offshoring_policies = st.builds(
    OffshoringPolicy,
    onshore=st.sampled_from([frozenset({"FR"}), frozenset({"FR", "RE"})]),
    window_weeks=st.integers(1, 6),
    min_shift_percent=st.decimals(min_value=Decimal("0.1"), max_value=100, places=1),
    comparable_ratio=st.decimals(min_value=Decimal("0.1"), max_value=3, places=2),
)


@given(dense_history() | st.tuples(st.lists(records, max_size=20), weeks), offshoring_policies)
def test_the_shift_is_deterministic_and_meets_its_thresholds(history_and_end, policy):
    history, end = history_and_end
    breach = offshoring_shift(history, "op-1", *end, policy)
    assert offshoring_shift(list(reversed(history)), "op-1", *end, policy) == breach
    if breach is None:
        return
    e = breach.evidence
    fall = int(e["onshore_before"]) - int(e["onshore_after"])
    rise = int(e["offshore_after"]) - int(e["offshore_before"])
    assert fall > 0 and rise == e["offshore_rise"]
    assert fall * 100 >= policy.min_shift_percent * int(e["onshore_before"])
    assert rise >= policy.comparable_ratio * fall
    assert breach.severity is Severity.SERIOUS


@given(st.lists(countries, max_size=4), st.lists(countries, max_size=4), offshoring_policies)
def test_an_amendment_breach_names_only_new_offshore_countries(before, after, policy):
    breach = offshore_amendment("c-1", before, after, policy)
    assert breach == offshore_amendment("c-1", list(reversed(before)), after[::-1], policy)
    new = {c.upper() for c in after} - {c.upper() for c in before} - policy.onshore
    assert (breach is not None) == bool(new)
    if breach:
        assert breach.subject == "c-1|" + ",".join(sorted(new))


@given(st.sampled_from(ActivityType), st.lists(countries, max_size=4), offshoring_policies)
def test_a_tender_breach_only_on_perennial_work(activity, allowed, policy):
    breach = offshore_allowed_perennial("t-1", activity, allowed, policy)
    offshore = {c.upper() for c in allowed} - policy.onshore
    expected = activity is ActivityType.PERENNIAL and (not allowed or bool(offshore))
    assert (breach is not None) == expected


def drifting(weeks: int = 28, start=(2026, 1), per_window: float = 0.06) -> list[CountryVolume]:
    """Onshore volume that falls 6 % a 4-week window (compounded: -27 % after 24 weeks) while
    offshore volume rises by as much."""
    found = []
    for i in range(weeks):
        at = add_weeks(*start, i)
        onshore = round(1000 * (1 - per_window) ** (i // 4))
        found.append(CountryVolume("op-1", "FR", *at, onshore))
        found.append(CountryVolume("op-1", "MA", *at, 200 + 1000 - onshore))
    return found


def test_a_slow_drift_passes_every_adjacent_comparison_but_not_the_long_one():
    history = drifting()
    weeks = [add_weeks(2026, 1, i) for i in range(28)]
    assert all(offshoring_shift(history, "op-1", *w) is None for w in weeks)
    last = weeks[-1]  # W28: W25..W28 against W01..W04, 24 weeks earlier
    breach = offshoring_drift(history, "op-1", *last)
    assert breach is not None and breach.rule == "offshoring_drift"
    assert breach.evidence["onshore_before"] == 4000
    assert breach.evidence["onshore_after"] == 4 * round(1000 * 0.94**6)  # -31 %
    assert breach.evidence["window_before"] == "2026-W01 to 2026-W04"
    assert breach.evidence["weeks_between_windows"] == 24
    assert breach.explanation.message == "offshoring-drift-explanation"
    assert breach.explanation.values["span"] == 28
    assert breach.explanation.values["before"] == text(
        "offshoring-window", first="2026-W01", last="2026-W04", weeks=4
    )
    assert breach.summary.message == "offshoring-movement-summary"
    assert breach.reference == text("reference-offshoring-committee")
    assert (
        "du volume quitte les centres nationaux pour des sites à l'étranger, par une dérive lente"
        " sur 28 semaines." in render(breach.explanation, "fr")
    )
    assert "slow drift over 28 weeks" in render(breach.explanation, "en")
    assert offshoring_drift(history, "op-1", *weeks[20]) is None  # not 24 weeks of history yet
    assert offshoring_drift(history, "op-1", *last, OffshoringPolicy(drift_windows=0)) is None


def test_a_drift_policy_of_one_window_is_the_shift_and_is_refused():
    with pytest.raises(ValueError, match="drift_windows"):
        OffshoringPolicy(drift_windows=1)
