"""The domain rules of Vigie, pure: no I/O and no clock (today is always a parameter).
Every rule names its source, so a committee member can check it.

Shared by the gRPC-time checks (immediate feedback) and the streaming checks (the record)."""

from __future__ import annotations

from dataclasses import dataclass

from services.rules.wording import Text


@dataclass(frozen=True)
class Violation:
    """A value that breaks a rule: the field it is in and why, in words a caller can act on."""

    field: str
    reason: Text | str  # a Text of the catalogue; a str only where no catalogue entry fits


class RuleBroken(Exception):
    """A request that is well formed but that the current state does not allow."""

    def __init__(self, subject: str, reason: Text | str) -> None:
        self.subject, self.reason = subject, reason
        super().__init__(f"{subject}: {reason}")
