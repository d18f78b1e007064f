"""What the streaming checks report: a `Breach` of a commitment, with its figures.

One shape for every rule that the compliance and offshoring services run over the event
streams (perennial, workload, offshoring). A rule returns Breach values and nothing else; the
caller turns each into a finding whose id it derives from (rule, subject), so the same facts
always give the same finding, however often they are checked or replayed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum

from services.rules.wording import Text

# The figures of a breach: flat, JSON-able. Decimals are given as strings with every digit
# (never a float, which would change the figure), counts as ints.
Evidence = Mapping[str, str | int | float]


# Every rule's stable id, whatever reports it (a finding, an advisory, a verdict): each has a
# title and texts in every language of the catalogue (tests/unit/test_catalogue.py).
RULE_IDS = (
    # Purchasing practices (purchasing.py, termination.py)
    "payment_terms",
    "price_below_floor",
    "reverse_auction_perennial",
    "short_perennial_contract",
    "penalties_uncapped",
    "penalty_cap_above_limit",
    "no_volume_commitment",
    "no_notice_schedule",
    "notice_band_below_agent_floor",
    "short_termination_notice",
    "short_partial_termination_notice",
    # The award (label_preference.py) and the notices (lead_time.py)
    "label_preference",
    "notice_breach",
    # The streams (perennial.py, workload.py, offshoring.py)
    "disguised_perennial",
    "unannounced_change",
    "forecast_accuracy",
    "offshoring_shift",
    "offshoring_drift",
    "offshore_amendment",
    "offshore_allowed_perennial",
)


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    SERIOUS = 3


@dataclass(frozen=True)
class Breach:
    # A stable id: "disguised_perennial", "unannounced_change", "forecast_accuracy",
    # "offshoring_shift", "offshore_amendment", "offshore_allowed_perennial".
    rule: str
    severity: Severity
    # The natural key of what it is about ("op-1|scope|contract-id", "contract-id|2026-W10"):
    # stable, so (rule, subject) identifies the finding.
    subject: str
    summary: Text  # one line (the catalogue writes it)
    explanation: Text  # one or two sentences a committee member understands
    reference: Text  # the source: label commitment and section, or law article
    evidence: Evidence

    def __post_init__(self) -> None:
        if not (self.rule and self.subject):
            raise ValueError("a breach needs a rule and a subject")
        for name, value in self.evidence.items():
            if not isinstance(name, str) or not isinstance(value, str | int | float):
                raise ValueError(f"evidence {name!r}: a flat figure (str, int or float) expected")
        # A plain dict, in key order: the same figures always print and serialise alike.
        object.__setattr__(self, "evidence", dict(sorted(self.evidence.items())))

    def __hash__(self) -> int:  # the evidence is a dict; equal breaches hash alike
        return hash((self.rule, self.severity, self.subject, tuple(self.evidence.items())))
