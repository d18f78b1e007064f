"""The life of a tender and of the contract awarded on it: which step each status allows.

A tender is open to bids until its ordering party awards it to one of them, which signs the
contract; an active contract may be amended (a new version) or terminated, and a terminated
contract is the register's record, changed no more.

Source: Label Responsabilité Sociale (sources/004, §3), "Pour les donneurs d'ordre": the
tender and the contract are where the ordering party's commitments are taken and checked
(the label preference at the award, the purchasing practices in the terms and their
amendments); Code de commerce L442-1 II for the termination (`termination.py`). The steps
themselves are the register's, not a law's: what the rule decides is only what may follow
what."""

from __future__ import annotations

from enum import Enum, IntEnum

from services.rules import RuleBroken
from services.rules.wording import Text, text


class TenderStatus(IntEnum):
    """Numbered as in the protos (vigie.contracts.v1.TenderStatus)."""

    OPEN = 1
    AWARDED = 2


class ContractStatus(IntEnum):
    """Numbered as in the protos (vigie.contracts.v1.ContractStatus)."""

    ACTIVE = 1
    TERMINATED = 2


class TenderStep(Enum):
    BID = "bid"
    AWARD = "award"


class ContractStep(Enum):
    AMEND = "amend"
    TERMINATE = "terminate"


# What each status allows, and the status it leads to. A status missing here allows nothing.
TENDER_STEPS: dict[TenderStatus, dict[TenderStep, TenderStatus]] = {
    TenderStatus.OPEN: {TenderStep.BID: TenderStatus.OPEN, TenderStep.AWARD: TenderStatus.AWARDED},
}
CONTRACT_STEPS: dict[ContractStatus, dict[ContractStep, ContractStatus]] = {
    ContractStatus.ACTIVE: {
        ContractStep.AMEND: ContractStatus.ACTIVE,
        ContractStep.TERMINATE: ContractStatus.TERMINATED,
    },
}

# Why a step is refused on a tender no longer open: a bid comes too late, an award twice.
_TENDER_REFUSALS = {TenderStep.BID: "tender-closed", TenderStep.AWARD: "tender-already-awarded"}


def tender_refusal(status: int, step: TenderStep) -> Text | None:
    """Why `step` is refused on a tender in `status`; None when it is allowed. `status` is
    an int so that a status the rules do not know (unspecified) is refused, not an error."""
    if step in TENDER_STEPS.get(_known(TenderStatus, status), {}):
        return None
    return text(_TENDER_REFUSALS[step])


def contract_refusal(status: int, step: ContractStep) -> Text | None:
    """Why `step` is refused on a contract in `status`; None when it is allowed."""
    if step in CONTRACT_STEPS.get(_known(ContractStatus, status), {}):
        return None
    return text("contract-terminated")


def tender_after(status: int, step: TenderStep) -> TenderStatus:
    """The tender's status once `step` is taken; RuleBroken (on `tender_id`) when refused."""
    reason = tender_refusal(status, step)
    if reason is not None:
        raise RuleBroken("tender_id", reason)
    return TENDER_STEPS[TenderStatus(status)][step]


def contract_after(status: int, step: ContractStep) -> ContractStatus:
    """The contract's status once `step` is taken; RuleBroken (on `contract_id`) when
    refused."""
    reason = contract_refusal(status, step)
    if reason is not None:
        raise RuleBroken("contract_id", reason)
    return CONTRACT_STEPS[ContractStatus(status)][step]


def _known(kind: type[IntEnum], status: int) -> IntEnum | None:
    try:
        return kind(status)
    except ValueError:
        return None
