"""What a notice says to people, built from the protos: the verdict as the notices service
stores it, the centres' alerts (a notice, a breach, a label change, offshoring), the finding
of a breach, and the command line's alert line. Each carries its Text (the catalogue's
message and its figures) and reads in French by default, in English on request."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.events.v1.envelope_pb2 import Envelope
from vigie.labels.v1 import events_pb2 as label_events
from vigie.notices.v1 import events_pb2 as notice_events
from vigie.notices.v1 import notices_pb2 as pb

from services.cli.notices import alert_line
from services.codecs import notices as codec
from services.common import wording
from services.common.errors import InvalidArgument
from services.common.protos import from_date, timestamp
from services.common.validation import check
from services.compliance.checks import findings
from services.notices import alerts, projections
from services.notices.notices import written_notice
from services.rules import lead_time
from services.rules.policy import DEFAULT_POLICY, CommitteePolicy, LeadTimePolicy
from services.rules.wording import Text, text

TODAY = date(2027, 4, 16)
NOW = datetime(2027, 4, 16, 9, 30, tzinfo=UTC)
EFFECTIVE = date(2027, 4, 26)
CAL = cpb.LEAD_TIME_UNIT_CALENDAR_DAYS


def contract(*bands: cpb.NoticeBand) -> cpb.Contract:
    signed = cpb.Contract(
        contract_id="c-1", ordering_party_id="op-1", centre_id="ctr-1", tender_id="t-1"
    )
    signed.terms.forecast.contacts_per_month = 1000
    signed.terms.notice_schedule.bands.extend(bands)
    return signed


# The issue's example: 90 calendar days due for any change, a 60 % cut notified on 16 April
# for 26 April: 9 days given, counted as the law counts (17 to 25 April).
NINETY_DAYS = cpb.NoticeBand(lead_time=90, unit=CAL)


def notice(
    change: pb.WorkloadChange, *bands: cpb.NoticeBand, in_force: CommitteePolicy = DEFAULT_POLICY
) -> pb.Notice:
    request = pb.IssueWorkloadChangeRequest(
        contract_id="c-1", change=change, reason="Internalisation d'une partie du service"
    )
    request.effective_date.CopyFrom(from_date(EFFECTIVE))
    return written_notice(contract(*bands), request, TODAY, in_force, None, NOW)


def test_the_verdict_applies_the_committee_policy_in_force_and_names_its_version():
    # Version 3 counts the notice day and holds contracts without a schedule to 20 days.
    twenty_days = (lead_time.NoticeBand(None, 20, lead_time.LeadTimeUnit.CALENDAR_DAYS),)
    version_3 = replace(
        DEFAULT_POLICY,
        version=3,
        effective_from=date(2027, 1, 1),
        lead_time=LeadTimePolicy(lead_time.Counting.NOTICE_DAY_COUNTS, twenty_days),
    )
    issued = notice(pb.WorkloadChange(change_percent=-60), in_force=version_3)
    verdict = issued.verdict
    assert verdict.policy_version == 3
    envelope = Envelope(event_id="e-3", occurred_at=timestamp(NOW))
    (breach,) = findings.findings_for(envelope, notice_events.NoticeIssued(notice=issued))
    assert (breach.rule, breach.policy_version) == ("notice_breach", 3)
    assert verdict.counting == pb.LEAD_TIME_COUNTING_NOTICE_DAY_COUNTS
    assert verdict.default_schedule and verdict.required == 20
    assert verdict.actual == 10  # 16 to 25 April, the notice day counted
    assert notice(pb.WorkloadChange(change_percent=-60)).verdict.policy_version == 0


def test_a_large_cut_in_an_old_relationship_is_reviewed_as_a_partial_termination():
    """A 60 % cut on ten days' notice, in a relationship running since January 2020: seven
    years and three months on the notification day, eight months of notice due (Code de
    commerce L442-1 II, one month a year, rounded up)."""
    request = pb.IssueWorkloadChangeRequest(
        contract_id="c-1", change=pb.WorkloadChange(change_percent=-60), reason="baisse"
    )
    request.effective_date.CopyFrom(from_date(EFFECTIVE))
    issued = written_notice(
        contract(NINETY_DAYS), request, TODAY, DEFAULT_POLICY, date(2020, 1, 6), NOW
    )
    (advisory,) = issued.relationship_advisories
    assert (advisory.rule, advisory.observed, advisory.limit) == (
        "short_partial_termination_notice",
        "0 months",
        "8 months",
    )
    assert issued.relationship_since == from_date(date(2020, 1, 6))
    # The checks find both: the lead-time breach and the partial termination, each naming
    # the policy version that produced it.
    envelope = Envelope(event_id="e-2", occurred_at=timestamp(NOW))
    found = findings.findings_for(envelope, notice_events.NoticeIssued(notice=issued))
    assert sorted((f.rule, f.severity, f.policy_version) for f in found) == [
        ("notice_breach", fpb.SEVERITY_SERIOUS, 0),
        ("short_partial_termination_notice", fpb.SEVERITY_SERIOUS, 0),
    ]
    small = pb.IssueWorkloadChangeRequest(
        contract_id="c-1", change=pb.WorkloadChange(change_percent=-20), reason="baisse"
    )
    small.effective_date.CopyFrom(from_date(EFFECTIVE))
    kept = written_notice(
        contract(NINETY_DAYS), small, TODAY, DEFAULT_POLICY, date(2020, 1, 6), NOW
    )
    assert list(kept.relationship_advisories) == []


def cut_of_60() -> pb.Notice:
    return notice(pb.WorkloadChange(change_percent=-60), NINETY_DAYS)


def test_the_verdict_carries_its_texts_and_their_french_words():
    verdict = cut_of_60().verdict
    explanation = wording.text_of(verdict, "explanation")
    assert isinstance(explanation, Text) and explanation.message == "lead-time-explanation"
    assert wording.text_of(verdict, "reference") == lead_time.REFERENCE
    assert verdict.counting == pb.LEAD_TIME_COUNTING_LEGAL
    assert (
        "Préavis de 9 jours calendaires au lieu de 90 exigés, soit 81 jours de moins. Le jour "
        "de la notification ne compte pas" in verdict.explanation
    )
    assert "9 calendar days were given: 81 calendar days short. The day of the notice" in (
        wording.localise(verdict, "en").explanation
    )


def test_a_notice_breach_alert_in_french_and_in_english():
    alert = alerts.notice_alert(cut_of_60(), pb.ALERT_KIND_NOTICE_BREACH, NOW)
    assert wording.text_of(alert, "summary") == text(
        "alert-notice-breach",
        change=text("change-cut", percent=Decimal(60)),
        effective_date=EFFECTIVE,
        given=text("lead-time-calendar-days", count=9),
        required=90,
        late_days=81,
    )
    assert alert.summary == (
        "Préavis non respecté : une baisse de charge de 60 % à compter du 26 avril 2027, "
        "notifiée avec un préavis de 9 jours calendaires au lieu des 90 exigés "
        "(81 jours de retard)"
    )
    assert wording.localise(alert, "en").summary == (
        "Notice breach: a 60% cut in workload from April 26, 2027 with 9 calendar days of "
        "notice; the contract asks 90 (81 days short)"
    )


def test_a_notice_received_alert_quotes_the_reason():
    termination = notice(pb.WorkloadChange(termination=True), NINETY_DAYS)
    alert = alerts.notice_alert(termination, pb.ALERT_KIND_NOTICE_RECEIVED, NOW)
    assert alert.summary == (
        "Préavis reçu : la résiliation du contrat à compter du 26 avril 2027 "
        "(motif : Internalisation d'une partie du service)"
    )
    rise = notice(pb.WorkloadChange(new_contacts_per_month=1125), NINETY_DAYS)
    alert = alerts.notice_alert(rise, pb.ALERT_KIND_NOTICE_RECEIVED, NOW)
    assert wording.text_of(alert, "summary").values["change"] == text(
        "change-rise", percent=Decimal("12.5")
    )
    assert alert.summary.startswith("Préavis reçu : une hausse de charge de 12,5 % à compter")


def test_the_finding_of_a_breach_says_how_short_the_notice_was():
    issued = cut_of_60()
    envelope = Envelope(event_id="e-1", occurred_at=timestamp(NOW))
    (finding,) = findings.findings_for(envelope, notice_events.NoticeIssued(notice=issued))
    assert finding.type == fpb.FINDING_TYPE_NOTICE_BREACH
    assert wording.text_of(finding, "summary") == text(
        "notice-breach-summary",
        given=text("lead-time-calendar-days", count=9),
        change=text("change-cut", percent=Decimal(60)),
        required=90,
        late_days=81,
    )
    assert finding.summary == (
        "Préavis de 9 jours calendaires pour une baisse de charge de 60 % au lieu des 90 exigés "
        "(81 jours de retard)"
    )
    assert wording.text_of(finding, "explanation") == wording.text_of(issued.verdict, "explanation")
    assert finding.evidence["shortfall_days"] == 81  # the figures are unchanged


@pytest.mark.parametrize(
    ("event", "french", "english"),
    [
        (
            label_events.LabelGranted(centre_id="ctr-1"),
            "Votre label est désormais accordé",
            "Your label is now granted",
        ),
        (
            label_events.LabelSuspended(centre_id="ctr-1", reason="Audit de suivi non conforme"),
            "Votre label est désormais suspendu : Audit de suivi non conforme",
            "Your label is now suspended: Audit de suivi non conforme",
        ),
        (
            label_events.LabelReinstated(centre_id="ctr-1"),
            "Votre label est désormais accordé",
            "Your label is now granted",
        ),
        (
            label_events.LabelWithdrawn(centre_id="ctr-1"),
            "Votre label est désormais retiré",
            "Your label is now withdrawn",
        ),
        (
            label_events.LabelExpired(centre_id="ctr-1"),
            "Votre label a expiré",
            "Your label is now expired",
        ),
    ],
)
def test_a_label_change_alert_names_the_status_in_french(event, french, english):
    alert = projections._label_alert(Envelope(occurred_at=timestamp(NOW)), event)
    assert alert.summary == french
    assert wording.localise(alert, "en").summary == english


def test_an_offshoring_alert_carries_the_finding_s_texts():
    finding = fpb.Finding(finding_id="f-1", ordering_party_id="op-1")
    summary = text("error-not-found", kind="contract", name="'c-1'")  # any Text will do
    explanation = text("lead-time-no-change")
    wording.fill(finding, "summary", summary)
    wording.fill(finding, "explanation", explanation)
    alert = projections._offshoring_alert(Envelope(occurred_at=timestamp(NOW)), finding, "ctr-1")
    assert wording.text_of(alert, "summary") == text("offshoring-alert-summary", finding=summary)
    assert alert.summary == "Délocalisation : Le contrat 'c-1' est introuvable."
    assert wording.text_of(alert.offshoring, "explanation") == explanation
    english = wording.localise(alert, "en")
    assert english.summary == "Offshoring: Contract 'c-1' not found."
    assert english.offshoring.explanation.startswith("A change of 0% leaves")


def test_an_older_finding_s_words_are_kept_as_they_are():
    finding = fpb.Finding(finding_id="f-1", summary="older words", explanation="older reasons")
    alert = projections._offshoring_alert(Envelope(occurred_at=timestamp(NOW)), finding, "ctr-1")
    assert alert.summary == "Délocalisation : older words"
    assert alert.offshoring.explanation == "older reasons"


def test_the_command_line_s_alert_line_in_french():
    alert = alerts.notice_alert(cut_of_60(), pb.ALERT_KIND_NOTICE_BREACH, NOW)
    alert.cursor = 1234
    assert alert_line(alert) == (
        "  alerte n° 1234 ctr-1 préavis non respecté : Préavis non respecté : une baisse de "
        "charge de 60 % à compter du 26 avril 2027, notifiée avec un préavis de 9 jours "
        "calendaires au lieu des 90 exigés (81 jours de retard)"
    )
    assert wording.render(text("notice-verdict-breach", explanation="…"), "fr") == (
        "verdict : PRÉAVIS NON RESPECTÉ — …"
    )


def test_a_preview_in_french_and_english():
    schedule = [lead_time.NoticeBand(Decimal(10), 15, lead_time.LeadTimeUnit.BUSINESS_DAYS)]
    change = lead_time.WorkloadChange(Decimal(-8))
    seen = lead_time.preview(schedule, change, date(2027, 4, 26), date(2027, 5, 18))
    response = codec.preview("c-1", change, seen, 2)
    assert response.policy_version == response.desired_verdict.policy_version == 2
    assert response.earliest_effective_date == from_date(date(2027, 5, 20))
    assert (response.required, response.unit) == (15, cpb.LEAD_TIME_UNIT_BUSINESS_DAYS)
    assert response.band.up_to_percent == 10 and response.business_days == 15
    assert response.counting == pb.LEAD_TIME_COUNTING_LEGAL
    assert [(h.date.day, h.name) for h in response.public_holidays] == [
        (6, "Ascension"),
        (17, "Lundi de Pentecôte"),
    ]
    assert response.agent_floor_date == from_date(date(2027, 5, 6))
    assert not response.agent_floor_binds
    assert response.HasField("desired_date_complies") and not response.desired_date_complies
    assert response.desired_verdict.actual == 13 and not response.desired_verdict.complies
    assert wording.text_of(response, "explanation") == seen.explanation
    assert response.explanation.startswith(
        "Notifiée le 26 avril 2027, une baisse de charge de 8 % exige un préavis de 15 jours "
        "ouvrés (variations jusqu'à 10 %) : elle peut prendre effet au plus tôt le 20 mai 2027."
    )
    english = wording.localise(response, "en")
    assert [h.name for h in english.public_holidays] == ["Ascension Day", "Pentecost Monday"]
    assert english.explanation.startswith("Notified on April 26, 2027, a 8% cut in workload")
    assert "3rd commitment" in english.reference


def test_a_preview_without_a_desired_date_says_nothing_of_one():
    change = lead_time.WorkloadChange(Decimal(0))
    seen = lead_time.preview([], change, date(2027, 4, 26))
    response = codec.preview("c-1", change, seen, 2)
    assert not response.HasField("desired_date_complies")
    assert not response.HasField("desired_verdict") and not response.HasField("band")
    assert response.default_schedule and response.earliest_effective_date == response.notified_on


@pytest.mark.parametrize("field", ["notified_on", "desired_effective_date"])
def test_a_preview_s_dates_are_bounded_in_the_catalogue_s_words(field):
    request = pb.PreviewWorkloadChangeRequest(
        contract_id="6f1c1e6a-3f6b-4d55-9b1e-0e6d8f0a1b2c",
        change=pb.WorkloadChange(change_percent=-10),
    )
    getattr(request, field).CopyFrom(from_date(date(1999, 12, 31)))
    with pytest.raises(InvalidArgument) as refused:
        check(request)
    (violation,) = refused.value.violations
    assert violation.field == field
    assert violation.reason == text(
        "validation-date-range", earliest=date(2000, 1, 1), latest=date(2100, 12, 31)
    )
    assert wording.render(violation.reason, "fr") == (
        "La date doit être comprise entre le 1 janvier 2000 et le 31 décembre 2100."
    )
