"""Where a finding may go, and who may move it. A finding is an accusation: the ordering party
or a centre concerned may contest it, the committee rules on the contest, closes the finding
once remedied and may reopen it; the checks withdraw it when the data no longer supports it
and raise it again when it does."""

from __future__ import annotations

from dataclasses import dataclass

from vigie.compliance.v1 import compliance_pb2 as pb

from services.common.errors import FailedPrecondition
from services.rules.wording import Text, text

OPEN = pb.FINDING_STATE_OPEN
CONTESTED = pb.FINDING_STATE_CONTESTED
CONTEST_UPHELD = pb.FINDING_STATE_CONTEST_UPHELD
CONTEST_DISMISSED = pb.FINDING_STATE_CONTEST_DISMISSED
REMEDIED = pb.FINDING_STATE_REMEDIED
WITHDRAWN = pb.FINDING_STATE_WITHDRAWN

# Still an accusation standing: counted among a scorecard's open findings. A dismissed
# contest leaves the finding standing until the committee closes it.
STANDING = frozenset({OPEN, CONTESTED, CONTEST_DISMISSED})
# Void: the data no longer supports it, or the committee upheld the contest. It never counted.
VOID = frozenset({WITHDRAWN, CONTEST_UPHELD})
# The actor role of the streaming checks in a transition.
CHECKS = "checks"


def state_name(state: int) -> str:
    return pb.FindingState.Name(state).removeprefix("FINDING_STATE_")


def state_words(state: int) -> Text:
    """The state as people read it ("finding-lifecycle-state-contest-dismissed")."""
    return Text("finding-lifecycle-state-" + state_name(state).lower().replace("_", "-"))


@dataclass(frozen=True)
class Move:
    # What the move does to the finding, as the catalogue's finding-move-refused selects it.
    name: str
    sources: frozenset[int]
    target: int
    # Token roles (or CHECKS) that may make it.
    by: frozenset[str]

    def check(self, finding_id: str, state: int) -> None:
        """FAILED_PRECONDITION naming the state when the finding cannot make this move."""
        if state not in self.sources:
            allowed = tuple(state_words(s) for s in sorted(self.sources, key=state_name))
            reason = text(
                "finding-move-refused",
                state=state_words(state),
                move=self.name,
                allowed=allowed,
                count=len(allowed),
            )
            raise FailedPrecondition(f"finding {finding_id}", reason, state_name(state))


PEOPLE_ON_EITHER_SIDE = frozenset({"ordering_party", "centre"})
COMMITTEE = frozenset({"committee"})

CONTEST = Move("contested", frozenset({OPEN}), CONTESTED, PEOPLE_ON_EITHER_SIDE)
UPHOLD = Move("ruled-on", frozenset({CONTESTED}), CONTEST_UPHELD, COMMITTEE)
DISMISS = Move("ruled-on", frozenset({CONTESTED}), CONTEST_DISMISSED, COMMITTEE)
CLOSE = Move("closed", frozenset({OPEN, CONTEST_DISMISSED}), REMEDIED, COMMITTEE)
REOPEN = Move("reopened", frozenset({REMEDIED, CONTEST_UPHELD, CONTEST_DISMISSED}), OPEN, COMMITTEE)
# The data decides these, whatever people did meanwhile.
ANY_STATE = frozenset(pb.FindingState.values()) - {pb.FINDING_STATE_UNSPECIFIED}
WITHDRAW = Move("withdrawn", ANY_STATE - {WITHDRAWN}, WITHDRAWN, frozenset({CHECKS}))
RAISE_AGAIN = Move("raised-again", frozenset({WITHDRAWN}), OPEN, frozenset({CHECKS}))

PEOPLES_MOVES = (CONTEST, UPHOLD, DISMISS, CLOSE, REOPEN)
RULINGS = {
    pb.CONTEST_DECISION_UPHOLD: UPHOLD,
    pb.CONTEST_DECISION_DISMISS: DISMISS,
}


def peoples_move(from_state: int, to_state: int, role: str) -> Move | None:
    """The move a person's transition makes, if the lifecycle allows it to that role."""
    return next(
        (
            m
            for m in PEOPLES_MOVES
            if from_state in m.sources and m.target == to_state and role in m.by
        ),
        None,
    )


def closed(state: int) -> bool:
    """Closed one way or another: remedied, fallen on contest, or withdrawn by the data."""
    return state not in STANDING
