"""Field rules live in the protos (protovalidate annotations); this turns a message's
violations into per-field errors."""

from __future__ import annotations

from datetime import date
from typing import Any

import protovalidate
from google.protobuf.message import Message

from services.common.errors import InvalidArgument
from services.common.protos import to_date
from services.rules import Violation

_validator = protovalidate.Validator()


def check(message: Message, prefix: str = "") -> None:
    """Raise InvalidArgument naming every field that breaks its rules."""
    try:
        _validator.validate(message)
    except protovalidate.ValidationError as exc:
        raise InvalidArgument([_violation(v.proto, prefix) for v in exc.violations]) from None


def _violation(violation: Any, prefix: str) -> Violation:
    """`violation` is protovalidate's own buf.validate.Violation message."""
    path = field_path(violation.field) if violation.field is not None else ""
    if not path:
        # Message-level (CEL) rules name the field they are about before the first dot of
        # their id, e.g. "owner_ordering_party_id.integrated".
        path = violation.rule_id.split(".", 1)[0]
    return Violation(f"{prefix}{path}", violation.message)


def field_path(path: Any) -> str:
    """`sites[0].country` from a buf.validate.FieldPath."""
    parts = []
    for element in path.elements:
        part = element.field_name
        if element.subscript is not None:
            value = element.subscript.value
            part += f"[{value}]" if element.subscript.field == "index" else f"[{value!r}]"
        parts.append(part)
    return ".".join(parts)


def calendar_date(value: Any, field: str) -> date:
    """A google.type.Date as a date, or InvalidArgument naming the field (31 February)."""
    try:
        return to_date(value)
    except ValueError as exc:
        raise InvalidArgument.one(field, f"not a calendar date: {exc}") from None
