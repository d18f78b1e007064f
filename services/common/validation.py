"""Field rules live in the protos (protovalidate annotations); this turns a message's
violations into per-field errors."""

from __future__ import annotations

import protovalidate
from buf.validate import validate_pb2
from google.protobuf.message import Message

from services.common.errors import InvalidArgument
from services.rules import Violation

_validator = protovalidate.Validator()


def check(message: Message, prefix: str = "") -> None:
    """Raise InvalidArgument naming every field that breaks its rules."""
    try:
        _validator.validate(message)
    except protovalidate.ValidationError as exc:
        raise InvalidArgument([_violation(v.proto, prefix) for v in exc.violations]) from None


def _violation(violation: validate_pb2.Violation, prefix: str) -> Violation:
    path = field_path(violation.field) if violation.HasField("field") else ""
    if not path:
        # Message-level (CEL) rules name the field they are about before the first dot of
        # their id, e.g. "owner_ordering_party_id.integrated".
        path = violation.rule_id.split(".", 1)[0]
    return Violation(f"{prefix}{path}", violation.message)


def field_path(path: validate_pb2.FieldPath) -> str:
    parts = []
    for element in path.elements:
        part = element.field_name
        subscript = element.WhichOneof("subscript")
        if subscript == "index":
            part += f"[{element.index}]"
        elif subscript is not None:
            part += f"[{getattr(element, subscript)!r}]"
        parts.append(part)
    return ".".join(parts)
