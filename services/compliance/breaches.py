"""From a `Breach` of a streaming rule (services/rules: perennial, workload, offshoring) to
the Finding the compliance workers publish. The finding's id derives from the breach's rule and
subject only, as for the findings of findings.py: the same facts checked again (a replay, a
redelivery after a crash, the chain re-evaluated on a later event) give the same finding."""

from __future__ import annotations

from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.events.v1.envelope_pb2 import Envelope

from services.compliance.check_store import ContractState
from services.compliance.findings import _finding
from services.rules.findings import Breach, Severity

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
) -> pb.Finding:
    """The finding of `breach`: id finding_id(breach.rule, breach.subject), the breach's
    severity, words and figures, and the time and id of the event that revealed it."""
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
        summary=breach.summary,
        explanation=breach.explanation,
        reference=breach.reference,
    )


def contract_finding(
    breach: Breach, type: pb.FindingType, contract: ContractState, source: Envelope
) -> pb.Finding:
    """The finding of a breach about one contract, in its ordering party's name."""
    return finding_from_breach(
        breach,
        type=type,
        ordering_party_id=contract.ordering_party_id,
        contract_id=contract.contract_id,
        centre_id=contract.centre_id,
        source_envelope=source,
    )
