"""The notice preview form of a contract's page (services/dashboard/preview.py): the request
a form's values make, what cannot even be sent, the service's refusals next to their fields,
and the answer written in French."""

from __future__ import annotations

from datetime import date

import grpc
import pytest
from google.type.date_pb2 import Date
from vigie.contracts.v1 import contracts_pb2 as kpb
from vigie.notices.v1 import notices_pb2 as npb

from services.common.identity import Caller, Role
from services.dashboard import preview
from services.dashboard.backends import BackendError
from services.dashboard.markup import e
from services.dashboard.pages import contract as contract_page

CONTRACT = "6f1c2d3e-0000-4000-8000-000000000001"


def values(**typed: str) -> dict[str, str]:
    return preview.values_of(typed)


def test_the_form_makes_the_request_the_service_takes() -> None:
    cut = preview.request_of(
        CONTRACT, values(nature="pourcentage", pourcentage="−40", souhaitee="2027-04-01")
    )
    assert cut.change.WhichOneof("change") == "change_percent"
    assert cut.change.change_percent == -40
    assert not cut.HasField("notified_on")
    assert (cut.desired_effective_date.year, cut.desired_effective_date.month) == (2027, 4)
    volume = preview.request_of(
        CONTRACT, values(nature="volume", volume="6\u202f000", notification="2027-01-04")
    )
    assert volume.change.new_contacts_per_month == 6000
    assert volume.notified_on.day == 4
    ended = preview.request_of(CONTRACT, values(nature="resiliation", pourcentage="12"))
    assert ended.change.WhichOneof("change") == "termination"


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ({"nature": "pourcentage", "pourcentage": "-40,5"}, "pourcentage"),
        ({"nature": "pourcentage", "pourcentage": ""}, "pourcentage"),
        ({"nature": "volume", "volume": "-3"}, "volume"),
        ({"nature": "pourcentage", "pourcentage": "99999999999"}, "pourcentage"),
        ({"nature": "autre"}, "nature"),
        ({"nature": "resiliation", "notification": "04/01/2027"}, "notification"),
    ],
)
def test_what_cannot_be_sent_is_said_next_to_its_field(typed: dict, field: str) -> None:
    with pytest.raises(ValueError) as raised:
        preview.request_of(CONTRACT, values(**typed))
    assert str(raised.value) == field
    said = preview.unreadable(values(**typed), field)
    assert said.status == 400 and set(said.field_problems) == {field}
    assert said.problem.startswith("La simulation n'a pas pu être faite")


def test_a_refusal_names_the_field_in_the_services_own_words() -> None:
    error = BackendError(
        "notices",
        grpc.StatusCode.INVALID_ARGUMENT,
        "change.change_percent: …",
        (("change.change_percent", "La valeur doit être comprise entre -100 et 1 000."),),
    )
    said = preview.refused(values(nature="pourcentage", pourcentage="-150"), error)
    assert said.status == 400
    assert said.field_problems == {
        "pourcentage": "Variation (%) : La valeur doit être comprise entre -100 et 1 000."
    }
    html = preview.form(CONTRACT, said, date(2026, 12, 5))
    assert 'value="-150"' in html and 'aria-invalid="true"' in html
    assert e("Corrigez le champ signalé.") in html


@pytest.mark.parametrize(
    ("code", "status", "words"),
    [
        (grpc.StatusCode.PERMISSION_DENIED, 403, "seul le donneur d'ordre du contrat"),
        (grpc.StatusCode.NOT_FOUND, 404, "introuvable"),
        (grpc.StatusCode.FAILED_PRECONDITION, 409, "Le contrat a été résilié."),
    ],
)
def test_other_refusals_are_said_above_the_form(code, status: int, words: str) -> None:
    error = BackendError("notices", code, "contract_id: Le contrat a été résilié.")
    said = preview.refused(values(nature="resiliation"), error)
    assert said.status == status and words in said.problem and not said.field_problems


def test_the_fields_carry_the_protos_limits() -> None:
    assert preview.number_limits("change_percent") == (-100, 1000)
    assert preview.number_limits("new_contacts_per_month") == (0, 100_000_000)
    html = preview.form(CONTRACT, None, date(2026, 12, 5))
    assert 'name="pourcentage" value="" min="-100" max="1000" step="1"' in html
    assert 'name="notification" value="" min="2026-12-05" max="2100-12-31"' in html


def answer(**changes) -> npb.PreviewWorkloadChangeResponse:
    seen = npb.PreviewWorkloadChangeResponse(
        contract_id=CONTRACT,
        change_percent=-40,
        required=3,
        unit=kpb.LEAD_TIME_UNIT_CALENDAR_MONTHS,
        business_days=61,
        explanation="Notifiée le 5 décembre 2026, une baisse de 40 % …",
        reference="Label Responsabilité Sociale",
    )
    seen.band.CopyFrom(kpb.NoticeBand(lead_time=3, unit=kpb.LEAD_TIME_UNIT_CALENDAR_MONTHS))
    seen.notified_on.CopyFrom(french_date(date(2026, 12, 5)))
    seen.earliest_effective_date.CopyFrom(french_date(date(2027, 3, 6)))
    seen.agent_floor_date.CopyFrom(french_date(date(2026, 12, 15)))
    for day, name in ((date(2026, 12, 25), "Noël"), (date(2027, 1, 1), "Jour de l'an")):
        seen.public_holidays.add(date=french_date(day), name=name)
    for name, value in changes.items():
        if name.endswith("_date"):
            getattr(seen, name).CopyFrom(french_date(value))
        else:
            setattr(seen, name, value)
    return seen


def french_date(day: date) -> Date:
    return Date(year=day.year, month=day.month, day=day.day)


def test_the_answer_in_french_names_the_band_the_date_and_the_holidays() -> None:
    seen = answer()
    assert preview.band_text(seen) == "3 mois (changements les plus importants et résiliation)"
    assert preview.counted_text(seen) == (
        "61 jours ; jours fériés non comptés : Noël (25 décembre 2026), "
        "Jour de l'an (1er janvier 2027)"
    )
    assert preview.floor_text(seen).startswith("les 7 jours ouvrés de prévenance des plannings")
    assert "respectés (dès le 15 décembre 2026)" in preview.floor_text(seen)
    html = preview.answer(seen)
    assert "6 mars 2027" in html and e(seen.explanation) in html
    assert "Date souhaitée" not in html


def test_the_answer_says_whether_a_desired_date_complies_and_by_how_much() -> None:
    early = answer(desired_effective_date=date(2027, 3, 1), desired_date_complies=False)
    assert preview.desired_text(early) == "1er mars 2027 : trop tôt de 5 jours"
    assert "ne respecte pas" in preview.answer(early)
    met = answer(desired_effective_date=date(2027, 3, 6), desired_date_complies=True)
    assert preview.desired_text(met) == "6 mars 2027 : conforme"
    bounded = answer(default_schedule=True)
    bounded.band.up_to_percent = 30
    assert preview.band_text(bounded).startswith("3 mois (changements jusqu'à 30\u00a0% ;")
    binding = answer(agent_floor_binds=True)
    assert "demandent davantage : pas avant le 15 décembre 2026" in preview.floor_text(binding)


def test_no_band_for_a_change_of_nothing() -> None:
    seen = answer(change_percent=0)
    seen.ClearField("band")
    assert preview.band_text(seen).startswith("aucun")
    assert "Date d'effet au plus tôt" not in preview.answer(seen)


def test_the_schedule_rows_say_what_each_band_covers() -> None:
    schedule = kpb.NoticeSchedule(
        bands=[
            kpb.NoticeBand(up_to_percent=10, lead_time=14, unit=kpb.LEAD_TIME_UNIT_CALENDAR_DAYS),
            kpb.NoticeBand(up_to_percent=30, lead_time=20, unit=kpb.LEAD_TIME_UNIT_BUSINESS_DAYS),
            kpb.NoticeBand(lead_time=3, unit=kpb.LEAD_TIME_UNIT_CALENDAR_MONTHS),
        ]
    )
    assert preview.schedule_rows(schedule) == [
        [e("jusqu'à 10\u00a0%"), "14 jours calendaires"],
        [e("jusqu'à 30\u00a0%"), "20 jours ouvrés"],
        [e("plus de 30\u00a0%, et la résiliation"), "3 mois"],
    ]
    only = kpb.NoticeSchedule(bands=[kpb.NoticeBand(lead_time=1, unit=2)])
    assert preview.schedule_rows(only) == [
        [e("tout changement, et la résiliation"), "1 jour ouvré"]
    ]


def test_the_contract_facts_say_its_end_and_escape_its_words() -> None:
    contract = kpb.Contract(
        contract_id=CONTRACT,
        ordering_party_id="op-banque",
        centre_id="ctr-lille",
        status=kpb.CONTRACT_STATUS_TERMINATED,
        termination_reason="<fin> d'activité",
        version=2,
    )
    contract.terms.scope = "support niveau 1"
    contract.terms.activity_type = kpb.ACTIVITY_TYPE_PERENNIAL
    contract.terms.start_date.CopyFrom(french_date(date(2027, 1, 4)))
    contract.terms.end_date.CopyFrom(french_date(date(2030, 1, 3)))
    contract.terminated_on.CopyFrom(french_date(date(2028, 6, 30)))
    centre = Caller(Role.CENTRE, "ctr-lille", "s")
    html = contract_page.facts(contract, centre)
    assert "du 4 janvier 2027 au 3 janvier 2030" in html
    assert e("résilié (dernier jour : 30 juin 2028 ; motif : <fin> d'activité)") in html
    assert "<fin>" not in html
    # The centre may not open the ordering party's page: no link to it.
    assert 'href="/donneurs-d-ordre/' not in html
    assert 'href="/donneurs-d-ordre/op-banque"' in contract_page.facts(
        contract, Caller(Role.COMMITTEE, "committee", "s")
    )
    # A terminated contract is previewed by nobody; a running one by its own party only.
    party = Caller(Role.ORDERING_PARTY, "op-banque", "s")
    assert not contract_page.offers_simulation(party, contract)
    contract.status = kpb.CONTRACT_STATUS_ACTIVE
    assert contract_page.offers_simulation(party, contract)
    assert not contract_page.offers_simulation(
        Caller(Role.ORDERING_PARTY, "op-autre", "s"), contract
    )
    assert not contract_page.offers_simulation(centre, contract)
