"""Findings: how they are built (from an event's advisories and verdicts, or from a `Breach`
of a rule) and the checks that need no state beyond one event. Each finding's id derives from
its rule and what it is about, so the same event checked twice (a replay, a redelivery after
a crash) gives the same finding."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal

from google.protobuf import struct_pb2
from google.protobuf.message import Message
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.contracts.v1 import events_pb2 as contract_events
from vigie.events.v1.envelope_pb2 import Envelope
from vigie.notices.v1 import events_pb2 as notice_events

from services.common import wording
from services.compliance.checks.state import ContractState
from services.rules import label_preference, lead_time, offshoring, purchasing
from services.rules.findings import Breach, Severity
from services.rules.purchasing import ActivityType
from services.rules.wording import Text, text

# Fixed forever: finding ids must not change between versions of the service.
NAMESPACE = uuid.UUID("6a1d3c0e-5b7f-4e8a-9c2d-1f0b8e4a7d31")
# The purchasing practices the committee treats as serious; the others are warnings.
SERIOUS_PRACTICES = frozenset(
    {
        "payment_terms",
        "price_below_floor",
        "short_termination_notice",
        "short_partial_termination_notice",
    }
)
LABEL_PREFERENCE = "label_preference"
NOTICE_BREACH = "notice_breach"


def finding_id(rule: str, subject: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{rule}|{subject}"))


def findings_for(envelope: Envelope, payload: Message) -> list[pb.Finding]:
    """The findings one event reveals (none for most events)."""
    match payload:
        case contract_events.TenderRegistered(tender=tender):
            return [
                _practice(envelope, a, tender.ordering_party_id, tender_id=tender.tender_id)
                for a in tender.advisories
            ] + _offshore_allowed(envelope, tender)
        case contract_events.TenderAwarded():
            return _award(envelope, payload)
        case contract_events.ContractAmended(contract=contract, advisories=advisories):
            subject = f"{contract.contract_id}|v{contract.version}"
            return [
                _practice(envelope, a, contract.ordering_party_id, contract, subject)
                for a in advisories
            ]
        case contract_events.ContractTerminated(contract=contract, advisories=advisories):
            return [
                _practice(envelope, a, contract.ordering_party_id, contract) for a in advisories
            ]
        case notice_events.NoticeIssued(notice=notice):
            breach = [] if notice.verdict.complies else [_notice_breach(envelope, notice)]
            # A large cut on short notice in an established relationship (L442-1 II).
            return breach + [
                _practice(
                    envelope,
                    a,
                    notice.ordering_party_id,
                    subject=notice.notice_id,
                    contract_id=notice.contract_id,
                    centre_id=notice.centre_id,
                    notice=notice,
                )
                for a in notice.relationship_advisories
            ]
    return []


def _practice(
    envelope: Envelope,
    advisory: cpb.PurchasingAdvisory,
    ordering_party_id: str,
    contract: cpb.Contract | None = None,
    subject: str = "",
    tender_id: str = "",
    contract_id: str = "",
    centre_id: str = "",
    notice=None,
) -> pb.Finding:
    """A purchasing practice an advisory reports, about a tender, a contract or a notice."""
    about = subject or (contract.contract_id if contract else tender_id)
    serious = advisory.rule in SERIOUS_PRACTICES
    explanation = wording.text_of(advisory, "explanation")
    evidence = {"observed": advisory.observed, "limit": advisory.limit}
    if notice is not None:
        evidence |= {"notice_id": notice.notice_id, "change_percent": notice.change_percent}
    return _finding(
        envelope,
        rule=advisory.rule,
        subject=about,
        type=pb.FINDING_TYPE_PURCHASING_PRACTICE,
        severity=pb.SEVERITY_SERIOUS if serious else pb.SEVERITY_WARNING,
        ordering_party_id=ordering_party_id,
        contract_id=contract.contract_id if contract else contract_id,
        centre_id=contract.centre_id if contract else centre_id,
        tender_id=tender_id or (contract.tender_id if contract else ""),
        summary=purchasing.practice_summary(
            advisory.rule, explanation, advisory.observed, advisory.limit
        ),
        explanation=explanation,
        reference=wording.text_of(advisory, "reference"),
        evidence=evidence,
        policy_version=advisory.policy_version,
    )


def _award(envelope: Envelope, awarded: contract_events.TenderAwarded) -> list[pb.Finding]:
    found = [
        _practice(envelope, a, awarded.ordering_party_id, tender_id=awarded.tender_id)
        for a in awarded.advisories
    ]
    if awarded.HasField("label_preference"):
        advisory = awarded.label_preference
        found.append(
            _finding(
                envelope,
                rule=LABEL_PREFERENCE,
                subject=awarded.tender_id,
                type=pb.FINDING_TYPE_LABEL_PREFERENCE,
                severity=pb.SEVERITY_WARNING,
                ordering_party_id=awarded.ordering_party_id,
                contract_id=awarded.contract_id,
                centre_id=advisory.winning_centre_id,
                tender_id=awarded.tender_id,
                summary=_preference_summary(advisory),
                explanation=wording.text_of(advisory, "explanation"),
                reference=wording.text_of(advisory, "reference"),
                evidence={
                    "winning_bid_id": advisory.winning_bid_id,
                    "best_labelled_bid_id": advisory.best_labelled_bid_id,
                    "price_gap_cents": advisory.price_gap_cents,
                    "price_gap_percent": advisory.price_gap_percent,
                    "bids": len(awarded.bids),
                },
            )
        )
    return found


def _preference_summary(advisory: cpb.LabelPreferenceAdvisory) -> Text:
    gap = Decimal(advisory.price_gap_cents) / 100
    # The event carries an infinite percentage (a winning price of 0.00 EUR/h) as 0.
    percent = Decimal(repr(advisory.price_gap_percent))
    if gap > 0 and not percent:
        percent = Decimal("Infinity")
    return label_preference.summary(
        advisory.winning_centre_id, advisory.best_labelled_centre_id, gap, percent
    )


def _offshore_allowed(envelope: Envelope, tender: cpb.Tender) -> list[pb.Finding]:
    """A perennial tender that lets the work go offshore (rules/offshoring.py)."""
    breach = offshoring.offshore_allowed_perennial(
        tender.tender_id,
        ActivityType(tender.terms.activity_type),
        tender.terms.allowed_site_countries,
    )
    if breach is None:
        return []
    return [
        finding_from_breach(
            breach,
            type=pb.FINDING_TYPE_OFFSHORING,
            ordering_party_id=tender.ordering_party_id,
            contract_id="",
            centre_id="",
            tender_id=tender.tender_id,
            source_envelope=envelope,
        )
    ]


def _notice_breach(envelope: Envelope, notice) -> pb.Finding:
    verdict = notice.verdict
    termination = notice.change.WhichOneof("change") == "termination"
    # Serious: staff schedules cannot absorb it, the contract ends, or a month or more short.
    serious = termination or verdict.below_agent_schedule_floor or verdict.shortfall_days >= 30
    unit = cpb.LeadTimeUnit.Name(verdict.unit).removeprefix("LEAD_TIME_UNIT_").lower()
    return _finding(
        envelope,
        rule=NOTICE_BREACH,
        subject=notice.notice_id,
        type=pb.FINDING_TYPE_NOTICE_BREACH,
        severity=pb.SEVERITY_SERIOUS if serious else pb.SEVERITY_WARNING,
        ordering_party_id=notice.ordering_party_id,
        contract_id=notice.contract_id,
        centre_id=notice.centre_id,
        summary=text(
            "notice-breach-summary",
            given=lead_time.amount_text(verdict.actual, lead_time.LeadTimeUnit(verdict.unit)),
            change=lead_time.change_text(
                lead_time.WorkloadChange(
                    # The proto's double holds a percentage of 2 decimals at most.
                    Decimal(str(round(notice.change_percent, 2))),
                    termination=termination,
                )
            ),
            required=verdict.required,
            late_days=verdict.shortfall_days,
        ),
        explanation=wording.text_of(verdict, "explanation"),
        reference=wording.text_of(verdict, "reference"),
        evidence={
            "notice_id": notice.notice_id,
            "change_percent": notice.change_percent,
            "required": verdict.required,
            "actual": verdict.actual,
            "unit": unit,
            "shortfall_days": verdict.shortfall_days,
            "below_agent_schedule_floor": verdict.below_agent_schedule_floor,
        },
        policy_version=verdict.policy_version,
    )


def _finding(
    envelope: Envelope,
    *,
    rule: str,
    subject: str,
    evidence: Mapping,
    summary: Text | str,
    explanation: Text | str,
    reference: Text | str,
    **fields,
) -> pb.Finding:
    finding = pb.Finding(
        finding_id=finding_id(rule, subject),
        rule=rule,
        source_event_id=envelope.event_id,
        **fields,
    )
    wording.fill(finding, "summary", summary)
    wording.fill(finding, "explanation", explanation)
    wording.fill(finding, "reference", reference)
    finding.occurred_at.CopyFrom(envelope.occurred_at)
    finding.evidence.CopyFrom(_struct(evidence))
    return finding


def _struct(values: Mapping) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(dict(values))
    return struct


# Spelled out rather than relying on both enums being numbered alike.
SEVERITIES = {
    Severity.INFO: pb.SEVERITY_INFO,
    Severity.WARNING: pb.SEVERITY_WARNING,
    Severity.SERIOUS: pb.SEVERITY_SERIOUS,
}


def finding_from_breach(
    breach: Breach,
    *,
    type: pb.FindingType,  # the Finding's field name
    ordering_party_id: str,
    contract_id: str,
    centre_id: str,
    source_envelope: Envelope,
    tender_id: str = "",
    policy_version: int = 0,
) -> pb.Finding:
    """The finding of a `Breach` of a rule (services/rules): id finding_id(breach.rule,
    breach.subject), so the same facts checked again (a replay, a redelivery, a chain
    re-evaluated on a later event) give the same finding; the breach's severity, words and
    figures; the time and id of the event that revealed it."""
    return _finding(
        source_envelope,
        rule=breach.rule,
        subject=breach.subject,
        evidence=breach.evidence,
        type=type,
        severity=SEVERITIES[Severity(breach.severity)],
        ordering_party_id=ordering_party_id,
        contract_id=contract_id,
        centre_id=centre_id,
        tender_id=tender_id,
        summary=breach.summary,
        explanation=breach.explanation,
        reference=breach.reference,
        policy_version=policy_version,
    )


def contract_finding(
    breach: Breach,
    type: pb.FindingType,
    contract: ContractState,
    source: Envelope,
    policy_version: int = 0,
) -> pb.Finding:
    """The finding of a breach about one contract, in its ordering party's name."""
    return finding_from_breach(
        breach,
        type=type,
        ordering_party_id=contract.ordering_party_id,
        contract_id=contract.contract_id,
        centre_id=contract.centre_id,
        source_envelope=source,
        policy_version=policy_version,
    )
