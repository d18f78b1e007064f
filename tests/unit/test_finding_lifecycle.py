"""Where a finding may go and who may move it (services/compliance/monitor/lifecycle.py)."""

from __future__ import annotations

import pytest
from vigie.compliance.v1 import compliance_pb2 as pb

from services.common.errors import FailedPrecondition
from services.compliance.monitor import lifecycle as lc

STATES = sorted(lc.ANY_STATE)


@pytest.mark.parametrize(
    "move, sources",
    [
        (lc.CONTEST, {lc.OPEN}),
        (lc.UPHOLD, {lc.CONTESTED}),
        (lc.DISMISS, {lc.CONTESTED}),
        (lc.CLOSE, {lc.OPEN, lc.CONTEST_DISMISSED}),
        (lc.REOPEN, {lc.REMEDIED, lc.CONTEST_UPHELD, lc.CONTEST_DISMISSED}),
        (lc.WITHDRAW, set(STATES) - {lc.WITHDRAWN}),
        (lc.RAISE_AGAIN, {lc.WITHDRAWN}),
    ],
)
def test_each_move_starts_only_from_its_states(move, sources):
    for state in STATES:
        if state in sources:
            move.check("f", state)
        else:
            with pytest.raises(FailedPrecondition) as refused:
                move.check("f", state)
            assert refused.value.type_ == lc.state_name(state)


def test_a_ruled_contest_cannot_be_ruled_again():
    for ruled in (lc.CONTEST_UPHELD, lc.CONTEST_DISMISSED):
        for move in lc.RULINGS.values():
            with pytest.raises(FailedPrecondition):
                move.check("f", ruled)


def test_peoples_moves_name_who_may_make_them():
    assert lc.peoples_move(lc.OPEN, lc.CONTESTED, "centre") is lc.CONTEST
    assert lc.peoples_move(lc.OPEN, lc.CONTESTED, "ordering_party") is lc.CONTEST
    assert lc.peoples_move(lc.OPEN, lc.CONTESTED, "committee") is None
    assert lc.peoples_move(lc.CONTESTED, lc.CONTEST_UPHELD, "ordering_party") is None
    assert lc.peoples_move(lc.CONTESTED, lc.CONTEST_UPHELD, "committee") is lc.UPHOLD
    assert lc.peoples_move(lc.OPEN, lc.WITHDRAWN, "committee") is None  # the data decides
    assert lc.peoples_move(lc.WITHDRAWN, lc.OPEN, "committee") is None


def test_standing_findings_are_those_a_scorecard_counts():
    assert {s for s in STATES if not lc.closed(s)} == {
        pb.FINDING_STATE_OPEN,
        pb.FINDING_STATE_CONTESTED,
        pb.FINDING_STATE_CONTEST_DISMISSED,
    }
