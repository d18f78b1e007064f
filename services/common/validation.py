"""Field rules live in the protos (protovalidate annotations); this turns a message's
violations into per-field errors, and adds the one rule every text field shares: no control
characters (line breaks and tabs are allowed in free text only)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import protovalidate
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from services.common.errors import InvalidArgument
from services.common.protos import to_date
from services.rules import Violation

_validator = protovalidate.Validator()

# Control characters (Unicode Cc: C0, DEL, C1) have no place in an id, a name or a title:
# a NUL cannot even be stored in PostgreSQL text, and terminal escapes would reach whoever
# reads the register. Free text (a reason, a contest's grounds, a ruling's reasons, a document
# attached as text) may keep its line breaks and tabs.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_FREE_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
FREE_TEXT_FIELDS = frozenset({"reason", "grounds", "reasons", "attachments"})
# The dates an agreement, an audit, a label or a notice may carry: anything outside is a
# typo or an attack, and would only make date arithmetic (business days) long.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)
# Request messages are shallow; a deeper nesting is not walked (protobuf caps it at 100).
MAX_DEPTH = 16


def check(message: Message, prefix: str = "", offsets: Mapping[str, int] | None = None) -> None:
    """Raise InvalidArgument naming every field that breaks its rules. `offsets` numbers the
    items of top-level repeated fields from where earlier chunks of a stream left off."""
    offsets = offsets or {}
    problems = violations(message, prefix, offsets) + text_problems(message, prefix, offsets)
    if problems:
        raise InvalidArgument(problems)


def violations(
    message: Message, prefix: str = "", offsets: Mapping[str, int] | None = None
) -> list[Violation]:
    """Every field of `message` that breaks its protovalidate rules, by field path (the API's
    requests and the events consumers read alike)."""
    try:
        _validator.validate(message)
    except protovalidate.ValidationError as exc:
        return [_violation(v.proto, prefix, offsets or {}) for v in exc.violations]
    return []


def text_problems(
    message: Message, prefix: str = "", offsets: Mapping[str, int] | None = None, depth: int = 0
) -> list[Violation]:
    """Every string field (recursively) holding a control character, by field path. The
    value is never quoted: only the character's code point."""
    problems = []
    for field, value in message.ListFields():
        repeated = field.is_repeated
        start = (offsets or {}).get(field.name, 0)
        for i, item in enumerate(value if repeated else (value,)):
            path = f"{prefix}{field.name}" + (f"[{start + i}]" if repeated else "")
            if field.type == FieldDescriptor.TYPE_STRING:
                problems += _control_problem(item, path, field.name in FREE_TEXT_FIELDS)
            elif field.type == FieldDescriptor.TYPE_MESSAGE and depth < MAX_DEPTH:
                # No request of the APIs has a map field; a map would be walked as entries.
                problems += text_problems(item, f"{path}.", None, depth + 1)
    return problems


def _control_problem(text: str, path: str, free_text: bool) -> list[Violation]:
    found = (_CONTROL_IN_FREE_TEXT if free_text else _CONTROL).search(text)
    if found is None:
        return []
    allowed = " (line breaks and tabs are allowed)" if free_text else ""
    return [
        Violation(path, f"must not contain control characters{allowed}: U+{ord(found.group()):04X}")
    ]


def _violation(violation: Any, prefix: str, offsets: Mapping[str, int]) -> Violation:
    """`violation` is protovalidate's own buf.validate.Violation message."""
    path = field_path(violation.field, offsets) if violation.field is not None else ""
    if violation.rule is None:
        # Message-level (CEL) rules name the field they are about before the first dot of
        # their id, e.g. "owner_ordering_party_id.integrated"; the message may be nested.
        field = violation.rule_id.split(".", 1)[0]
        path = f"{path}.{field}" if path else field
    return Violation(f"{prefix}{path}", violation.message)


def field_path(path: Any, offsets: Mapping[str, int] | None = None) -> str:
    """`sites[0].country` from a buf.validate.FieldPath."""
    parts = []
    for depth, element in enumerate(path.elements):
        part = element.field_name
        if element.subscript is not None:
            value = element.subscript.value
            if element.subscript.field == "index":
                if depth == 0:
                    value += (offsets or {}).get(element.field_name, 0)
                part += f"[{value}]"
            else:
                part += f"[{value!r}]"
        parts.append(part)
    return ".".join(parts)


def repeated_counts(message: Message) -> dict[str, int]:
    """How many items each top-level repeated field of a message holds (to number a
    stream's items across its chunks)."""
    return {field.name: len(value) for field, value in message.ListFields() if field.is_repeated}


def calendar_date(value: Any, field: str) -> date:
    """A google.type.Date as a date, or InvalidArgument naming the field (31 February, or a
    date outside EARLIEST_DATE..LATEST_DATE)."""
    problem = date_problem(value, field)
    if problem is not None:
        raise InvalidArgument([problem])
    return to_date(value)


def date_problem(value: Any, field: str) -> Violation | None:
    """Why a google.type.Date is not a date the services accept, or None."""
    try:
        day = to_date(value)
    except ValueError as exc:
        return Violation(field, f"not a calendar date: {exc}")
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        return Violation(field, f"must be between {EARLIEST_DATE} and {LATEST_DATE}")
    return None
