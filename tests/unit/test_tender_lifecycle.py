"""The life of a tender and its contract: which step each status allows, and why not."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vigie.contracts.v1 import contracts_pb2 as pb

from services.common.wording import render
from services.rules import RuleBroken
from services.rules.tender_lifecycle import (
    CONTRACT_STEPS,
    TENDER_STEPS,
    ContractStatus,
    ContractStep,
    TenderStatus,
    TenderStep,
    contract_after,
    contract_refusal,
    tender_after,
    tender_refusal,
)
from services.rules.wording import text


@pytest.mark.parametrize(
    ("status", "step", "after"),
    [
        (TenderStatus.OPEN, TenderStep.BID, TenderStatus.OPEN),
        (TenderStatus.OPEN, TenderStep.AWARD, TenderStatus.AWARDED),
    ],
)
def test_an_open_tender_takes_bids_and_an_award(status, step, after):
    assert tender_refusal(status, step) is None
    assert tender_after(status, step) is after


@pytest.mark.parametrize(
    ("status", "step", "reason", "french"),
    [
        (
            TenderStatus.AWARDED,
            TenderStep.BID,
            text("tender-closed"),
            "L'appel d'offres n'est plus ouvert aux offres.",
        ),
        (
            TenderStatus.AWARDED,
            TenderStep.AWARD,
            text("tender-already-awarded"),
            "L'appel d'offres a déjà été attribué.",
        ),
        (0, TenderStep.BID, text("tender-closed"), None),
        (0, TenderStep.AWARD, text("tender-already-awarded"), None),
    ],
)
def test_a_tender_not_open_refuses_in_french(status, step, reason, french):
    assert tender_refusal(status, step) == reason
    with pytest.raises(RuleBroken) as refused:
        tender_after(status, step)
    assert (refused.value.subject, refused.value.reason) == ("tender_id", reason)
    if french is not None:
        assert render(reason) == french


@pytest.mark.parametrize(
    ("step", "after"),
    [
        (ContractStep.AMEND, ContractStatus.ACTIVE),
        (ContractStep.TERMINATE, ContractStatus.TERMINATED),
    ],
)
def test_an_active_contract_is_amended_or_terminated(step, after):
    assert contract_refusal(ContractStatus.ACTIVE, step) is None
    assert contract_after(ContractStatus.ACTIVE, step) is after


@pytest.mark.parametrize("status", [ContractStatus.TERMINATED, 0, 7])
@pytest.mark.parametrize("step", list(ContractStep))
def test_a_contract_not_active_is_changed_no_more(status, step):
    with pytest.raises(RuleBroken) as refused:
        contract_after(status, step)
    assert (refused.value.subject, refused.value.reason) == (
        "contract_id",
        text("contract-terminated"),
    )
    assert render(refused.value.reason) == "Le contrat a été résilié."


def test_the_statuses_are_numbered_as_in_the_protos():
    assert {s.name: s.value for s in TenderStatus} == {
        "OPEN": pb.TENDER_STATUS_OPEN,
        "AWARDED": pb.TENDER_STATUS_AWARDED,
    }
    assert {s.name: s.value for s in ContractStatus} == {
        "ACTIVE": pb.CONTRACT_STATUS_ACTIVE,
        "TERMINATED": pb.CONTRACT_STATUS_TERMINATED,
    }


@given(status=st.integers(min_value=-5, max_value=10), step=st.sampled_from(TenderStep))
def test_a_tender_step_is_allowed_exactly_where_the_table_says(status, step):
    allowed = status in TENDER_STEPS and step in TENDER_STEPS[status]
    assert (tender_refusal(status, step) is None) is allowed
    if allowed:
        # Once awarded, a tender takes no step at all: the award is final.
        after = tender_after(status, step)
        if after is TenderStatus.AWARDED:
            assert all(tender_refusal(after, s) is not None for s in TenderStep)


@given(
    status=st.integers(min_value=-5, max_value=10),
    steps=st.lists(st.sampled_from(ContractStep), max_size=6),
)
def test_no_step_follows_a_termination(status, steps):
    """Walking any steps from any status: nothing is allowed once a contract is terminated,
    and only an active contract changes at all."""
    current: int = status
    for step in steps:
        reason = contract_refusal(current, step)
        if current != ContractStatus.ACTIVE:
            assert reason == text("contract-terminated")
            break
        assert reason is None
        current = contract_after(current, step)
    assert set(CONTRACT_STEPS) == {ContractStatus.ACTIVE}
