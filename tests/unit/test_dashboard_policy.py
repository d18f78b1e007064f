"""The committee's policy in the dashboard (services/dashboard/policy.py): every parameter in
French with its unit, what a version changed, the version in force on a day, and the form
« Publier une nouvelle version »: its limits from the proto, the request it makes, and the
service's refusals next to their fields."""

from __future__ import annotations

from datetime import date

import grpc
import pytest
from google.type.date_pb2 import Date
from vigie.notices.v1 import notices_pb2 as npb
from vigie.policy.v1 import policy_pb2 as pb

from services.codecs import policy as codec
from services.dashboard import policy as words
from services.dashboard.backends import BackendError
from services.dashboard.markup import e
from services.dashboard.pages import policy as policy_page

NBSP = "\u00a0"
TODAY = date(2026, 12, 5)


def defaults() -> pb.CommitteePolicy:
    return codec.to_proto(codec.DEFAULT_POLICY)


def text_of(policy: pb.CommitteePolicy, path: str) -> str:
    return next(p for p in words.PARAMETERS if p.path == path).text(policy)


def test_every_parameter_of_the_proto_is_shown_once() -> None:
    shown = {p.path for p in words.PARAMETERS}
    in_proto = {
        f"{area.name}.{f.name}"
        for area in pb.CommitteePolicy.DESCRIPTOR.fields
        if area.message_type is not None and area.name != "effective_from"
        for f in area.message_type.fields
    }
    assert shown == in_proto
    assert len(shown) == len(words.PARAMETERS)
    assert all(area.source for area in words.AREAS)


def test_the_defaults_in_french_with_their_units() -> None:
    policy = defaults()
    assert text_of(policy, "perennial.max_span_months") == f"12{NBSP}mois"
    assert text_of(policy, "relationship.max_gap_days") == f"92{NBSP}jours"
    assert text_of(policy, "workload.tolerance_percent") == f"±{NBSP}15{NBSP}%"
    assert text_of(policy, "workload.forecast_weeks_in_a_row") == f"3{NBSP}semaines"
    assert text_of(policy, "purchasing.employer_cost_percent") == f"105{NBSP}% (coefficient 1,05)"
    assert text_of(policy, "termination.notice_month_percent_per_year") == (
        f"1{NBSP}mois de préavis par année de relation"
    )
    assert text_of(policy, "offshoring.drift_windows") == "6 fenêtres"
    assert "France (FR)" in text_of(policy, "offshoring.onshore_countries")
    assert "art. 641 et 642" in text_of(policy, "lead_time.counting")
    schedule = text_of(policy, "lead_time.default_schedule")
    assert schedule.startswith("jusqu'à") and "au-delà, et la résiliation : 3 mois" in schedule
    wages = text_of(policy, "purchasing.minimum_wages")
    assert f"{NBSP}€ brut de l'heure à partir du" in wages and "décret n°" in wages


def test_a_wage_names_its_decree_or_its_order() -> None:
    decree = pb.MinimumWage(
        effective_from=Date(year=2024, month=11, day=1),
        hourly_cents=1188,
        act=pb.MINIMUM_WAGE_ACT_DECREE,
        act_number="2024-951",
        act_signed=Date(year=2024, month=10, day=23),
    )
    assert words.wage_text(decree) == (
        f"11,88{NBSP}€ brut de l'heure à partir du 1er novembre 2024 "
        f"(décret n°{NBSP}2024-951 du 23 octobre 2024)"
    )
    order = pb.MinimumWage(
        effective_from=Date(year=2023, month=5, day=1),
        hourly_cents=1152,
        act=pb.MINIMUM_WAGE_ACT_ORDER,
        act_signed=Date(year=2023, month=4, day=26),
    )
    assert words.wage_text(order).endswith("(arrêté du 26 avril 2023)")


def test_the_differences_name_each_parameter_changed_with_both_values() -> None:
    before = defaults()
    after = pb.CommitteePolicy()
    after.CopyFrom(before)
    after.version = 1
    after.workload.tolerance_percent = 10
    after.lead_time.counting = npb.LEAD_TIME_COUNTING_NOTICE_DAY_COUNTS
    changes = words.differences(before, after)
    assert [(c.label, c.before, c.after) for c in changes] == [
        (
            "Écart au plan sans changement de charge",
            f"±{NBSP}15{NBSP}%",
            f"±{NBSP}10{NBSP}%",
        ),
        (
            "Décompte des délais",
            words.COUNTINGS[npb.LEAD_TIME_COUNTING_LEGAL],
            words.COUNTINGS[npb.LEAD_TIME_COUNTING_NOTICE_DAY_COUNTS],
        ),
    ]
    assert words.differences(before, before) == []


def test_the_version_in_force_is_the_last_published_of_those_started() -> None:
    zero = pb.PublishedPolicy(policy=defaults())
    one = pb.PublishedPolicy(policy=pb.CommitteePolicy(version=1))
    one.policy.effective_from.CopyFrom(Date(year=2027, month=1, day=1))
    two = pb.PublishedPolicy(policy=pb.CommitteePolicy(version=2))
    two.policy.effective_from.CopyFrom(Date(year=2027, month=1, day=1))
    assert words.in_force([zero, one, two], TODAY).policy.version == 0
    assert words.in_force([zero, one, two], date(2027, 1, 1)).policy.version == 2


def test_the_form_is_prefilled_with_the_latest_version_and_the_day_after_tomorrow() -> None:
    values = words.values_of(defaults(), TODAY)
    assert values["workload.tolerance_percent"] == "15"
    assert values[words.EFFECTIVE] == "2026-12-07"
    assert values[words.COUNTRIES].split() == sorted(codec.DEFAULT_POLICY.offshoring.onshore)
    html = words.form(defaults(), values, None, TODAY)
    # The limits are the proto's (gte 1, lte 100), and the rationale's lengths.
    assert 'name="workload.tolerance_percent" value="15" min="1" max="100"' in html
    assert 'name="offshoring.drift_windows" value="6" min="0" max="52"' in html
    assert 'minlength="20"' in html and 'maxlength="4000"' in html
    # The SMIC amounts and the schedule's bands, one row each, then an empty one.
    wages = len(defaults().purchasing.minimum_wages)
    assert values[f"purchasing.minimum_wages.{wages - 1}.act"] in ("decret", "arrete")
    assert values[f"purchasing.minimum_wages.{wages}.hourly"] == ""
    band = 'name="lead_time.default_schedule.2.lead_time" aria-label="Barème par défaut, ligne 3, '
    assert band + 'Délai" value="3" min="1" max="1096"' in html
    assert 'name="purchasing.minimum_wages.0.hourly"' in html and 'step="0.01"' in html
    assert 'min="2026-12-06"' in html


def test_no_day_before_a_version_to_come_is_offered() -> None:
    latest = defaults()
    latest.version = 4
    latest.effective_from.CopyFrom(Date(year=2030, month=12, day=22))
    assert words.values_of(latest, TODAY)[words.EFFECTIVE] == "2030-12-22"
    html = words.form(latest, words.values_of(latest, TODAY), None, TODAY)
    assert 'min="2030-12-22"' in html and "Au plus tôt le 22 décembre 2030." in html


def test_the_form_makes_the_next_version() -> None:
    latest = defaults()
    values = words.values_of(latest, TODAY)
    values["workload.tolerance_percent"] = "10"
    values[words.COUNTRIES] = "FR, RE"
    values[words.RATIONALE] = "Délibération du comité du 1er décembre."
    request = words.request_of(latest, values)
    assert request.policy.version == 1
    assert request.policy.workload.tolerance_percent == 10
    assert list(request.policy.offshoring.onshore_countries) == ["FR", "RE"]
    assert request.policy.purchasing.minimum_wages == latest.purchasing.minimum_wages
    assert request.policy.lead_time.default_schedule == latest.lead_time.default_schedule
    assert (request.policy.effective_from.year, request.policy.effective_from.day) == (2026, 7)
    assert request.rationale == values[words.RATIONALE]


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("workload.tolerance_percent", "dix"),
        ("workload.tolerance_percent", "-1"),
        (words.EFFECTIVE, "demain"),
        (words.COUNTING, "autre"),
    ],
)
def test_what_cannot_be_sent_is_said_next_to_its_field(field: str, typed: str) -> None:
    values = words.values_of(defaults(), TODAY) | {field: typed}
    with pytest.raises(ValueError) as raised:
        words.request_of(defaults(), values)
    assert str(raised.value) == field
    attempt = words.unreadable(values, field)
    assert attempt.status == 400 and set(attempt.field_problems) == {field}
    assert attempt.values[field] == typed


def test_a_refusal_names_the_fields_in_the_services_own_words() -> None:
    values = words.values_of(defaults(), TODAY)
    error = BackendError(
        "policy",
        grpc.StatusCode.INVALID_ARGUMENT,
        "invalid",
        (
            ("policy.effective_from", "prend effet au plus tôt le lendemain de sa publication"),
            ("policy.workload.tolerance_percent", "doit être entre 1 et 100"),
            ("policy.offshoring.onshore_countries[6]", "deux lettres majuscules"),
            ("rationale", "20 caractères au moins"),
        ),
    )
    attempt = words.refused(values, error)
    assert attempt.status == 400
    assert set(attempt.field_problems) == {
        words.EFFECTIVE,
        "workload.tolerance_percent",
        words.COUNTRIES,
        words.RATIONALE,
    }
    assert attempt.field_problems[words.EFFECTIVE] == (
        "Date d'entrée en vigueur : prend effet au plus tôt le lendemain de sa publication"
    )
    html = words.form(defaults(), values, attempt, TODAY)
    assert e(attempt.field_problems["workload.tolerance_percent"]) in html
    assert 'aria-invalid="true"' in html


def test_a_refusal_for_another_role_or_a_version_taken_meanwhile() -> None:
    values = words.values_of(defaults(), TODAY)
    denied = words.refused(values, BackendError("policy", grpc.StatusCode.PERMISSION_DENIED, ""))
    assert denied.status == 403 and "seul le comité" in denied.problem
    taken = words.refused(
        values,
        BackendError(
            "policy", grpc.StatusCode.INVALID_ARGUMENT, "", (("policy.version", "version 2"),)
        ),
    )
    assert "Une autre version vient d'être publiée" in taken.problem
    assert not taken.field_problems


def test_the_lists_are_edited_row_by_row() -> None:
    latest = defaults()
    values = words.values_of(latest, TODAY)
    wages = len(latest.purchasing.minimum_wages)
    # A new SMIC amount on the empty row, and the schedule's first band removed.
    values |= {
        f"purchasing.minimum_wages.{wages}.effective_from": "2027-01-01",
        f"purchasing.minimum_wages.{wages}.hourly": "12,34",
        f"purchasing.minimum_wages.{wages}.act": "decret",
        f"purchasing.minimum_wages.{wages}.act_number": "2026-1234",
        f"purchasing.minimum_wages.{wages}.act_signed": "2026-12-20",
        "lead_time.default_schedule.0.up_to_percent": "",
        "lead_time.default_schedule.0.lead_time": "",
        "lead_time.default_schedule.0.unit": "",
    }
    policy = words.request_of(latest, values).policy
    assert policy.purchasing.minimum_wages[:wages] == latest.purchasing.minimum_wages
    added = policy.purchasing.minimum_wages[wages]
    assert (added.hourly_cents, added.act, added.act_number) == (
        1234,
        pb.MINIMUM_WAGE_ACT_DECREE,
        "2026-1234",
    )
    assert (
        list(policy.lead_time.default_schedule.bands)
        == list(latest.lead_time.default_schedule.bands)[1:]
    )
    changed = {c.label for c in words.differences(latest, policy)}
    assert changed == {
        "SMIC horaire brut, avec le texte qui l'a fixé",
        "Barème par défaut, pour un contrat qui n'en fixe pas",
    }


@pytest.mark.parametrize(
    ("cell", "typed"),
    [
        ("purchasing.minimum_wages.0.hourly", "11,885"),
        ("purchasing.minimum_wages.0.effective_from", "janvier"),
        ("purchasing.minimum_wages.0.act", "loi"),
        ("lead_time.default_schedule.1.lead_time", "un mois"),
    ],
)
def test_a_cell_that_cannot_be_sent_is_said_under_it(cell: str, typed: str) -> None:
    values = words.values_of(defaults(), TODAY) | {cell: typed}
    with pytest.raises(ValueError) as raised:
        words.request_of(defaults(), values)
    assert str(raised.value) == cell
    problem = words.unreadable(values, cell).field_problems[cell]
    assert problem.startswith(("SMIC horaire brut, ligne 1, ", "Barème par défaut, ligne 2, "))
    html = words.form(defaults(), values, words.unreadable(values, cell), TODAY)
    assert f'id="publication-{cell}-erreur"' in html


def test_a_refusal_in_a_list_is_said_under_its_cell_or_the_list() -> None:
    values = words.values_of(defaults(), TODAY)
    error = BackendError(
        "policy",
        grpc.StatusCode.INVALID_ARGUMENT,
        "invalid",
        (
            ("policy.purchasing.minimum_wages[1].act_number", "numéro du décret requis"),
            ("policy.purchasing.minimum_wages", "deux montants le même jour"),
            ("policy.lead_time.default_schedule.bands[2].lead_time", "trois ans au plus"),
            ("policy.lead_time.default_schedule.bands", "bandes dans l'ordre"),
        ),
    )
    problems = words.refused(values, error).field_problems
    assert problems == {
        "purchasing.minimum_wages.1.act_number": (
            "SMIC horaire brut, ligne 2, Numéro du décret : numéro du décret requis"
        ),
        "purchasing.minimum_wages": "SMIC horaire brut : deux montants le même jour",
        "lead_time.default_schedule.2.lead_time": (
            "Barème par défaut, ligne 3, Délai : trois ans au plus"
        ),
        "lead_time.default_schedule": "Barème par défaut : bandes dans l'ordre",
    }


def test_the_page_marks_a_version_to_come_and_shows_what_it_changed() -> None:
    zero = pb.PublishedPolicy(policy=defaults())
    one = pb.PublishedPolicy(
        policy=pb.CommitteePolicy(), published_by="committee", rationale="Délibération."
    )
    one.policy.CopyFrom(defaults())
    one.policy.version = 1
    one.policy.effective_from.CopyFrom(Date(year=2031, month=1, day=12))
    one.policy.termination.max_notice_months = 24
    policies = [zero, one]
    current = words.in_force(policies, TODAY)
    shown = policy_page.version_section(one, current, policies, TODAY)
    assert "en vigueur à partir du 12 janvier 2031 (à venir)" in shown
    assert "Changements par rapport à la version 0" in shown
    assert f"<td>18{NBSP}mois</td><td>24{NBSP}mois</td>" in shown
    listed = policy_page.versions_section(policies, one, current, TODAY)
    assert listed.index("Version 1") < listed.index("Version 0")
    assert "<td>à venir</td>" in listed and "<td>en vigueur</td>" in listed
    default = policy_page.version_section(zero, current, policies, TODAY)
    assert "Version 0 : paramètres par défaut" in default and "Changements" not in default
