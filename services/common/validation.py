"""Field rules live in the protos (protovalidate annotations); this turns a message's
violations into per-field errors, and adds the one rule every text field shares: no control
characters (line breaks and tabs are allowed in free text only)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import protovalidate
from buf.validate import validate_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.duration_pb2 import Duration
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from services.common.errors import InvalidArgument
from services.common.protos import to_date
from services.common.wording import has_message
from services.rules import Violation
from services.rules.wording import Argument, Text, text

_validator = protovalidate.Validator()
log = logging.getLogger(__name__)

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
        return [_violation(v, message.DESCRIPTOR, prefix, offsets or {}) for v in exc.violations]
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


def _control_problem(value: str, path: str, free_text: bool) -> list[Violation]:
    found = (_CONTROL_IN_FREE_TEXT if free_text else _CONTROL).search(value)
    if found is None:
        return []
    character = f"U+{ord(found.group()):04X}"
    if free_text:
        return [Violation(path, text("validation-control-character-free-text", code=character))]
    return [Violation(path, text("validation-control-character", code=character))]


def _violation(
    violation: Any, root: Descriptor, prefix: str, offsets: Mapping[str, int]
) -> Violation:
    """`violation` is protovalidate's Violation, `root` the type of the message validated."""
    proto = violation.proto
    path = field_path(proto.field, offsets) if proto.field is not None else ""
    if proto.rule is None:
        # Message-level (CEL) rules name the field they are about before the first dot of
        # their id, e.g. "owner_ordering_party_id.integrated"; the message may be nested.
        field = proto.rule_id.split(".", 1)[0]
        path = f"{path}.{field}" if path else field
    return Violation(f"{prefix}{path}", rule_text(violation, root))


# ---- the rules' words: a message of the catalogue (validation.ftl) per rule id

# Numeric rules have the same ids for every number type ("uint32.gte_lte", "int64.lte"): one
# message for all, "validation-number-gte-lte".
NUMBER_TYPES = frozenset(
    f"{kind}{bits}" for kind in ("int", "uint", "sint", "fixed", "sfixed") for bits in (32, 64)
) | {"float", "double"}
# Ids of a message's own (CEL) rules are ours: each has its words here. Their figures are
# those of the rules' expressions in the protos.
EVENT_ID_CHARS = 256
CUSTOM_RULES: dict[str, Text] = {
    "owner_ordering_party_id.integrated": text("validation-centre-owner-integrated"),
    "lead_time.unit": text(
        "validation-lead-time-unit", years=3, calendar_days=1096, business_days=783, months=36
    ),
    "date.range": text("validation-date-range", earliest=EARLIEST_DATE, latest=LATEST_DATE),
    "finding.owner.required": text(
        "validation-finding-owner-required",
        field="finding.ordering_party_id",
        alternative="finding.centre_id",
        max_len=EVENT_ID_CHARS,
    ),
}
# Arguments named after the rule's fields, but for those that are Python or Fluent words.
RENAMED = {"const": "value", "in": "allowed", "not_in": "refused"}


def rule_message(rule_id: str) -> str:
    """The catalogue message of a standard rule id: "string.max_len" is
    "validation-string-max-len", "uint32.gte_lte" is "validation-number-gte-lte"."""
    kind, _, name = rule_id.partition(".")
    kind = "number" if kind in NUMBER_TYPES else kind
    return "-".join(["validation", kind, *([name] if name else [])]).replace("_", "-")


def custom_text(rule_id: str) -> Text | None:
    """The words of one of our protos' own rules; "<path>.required" of an event is an id it
    must name (1 to EVENT_ID_CHARS characters)."""
    if rule_id in CUSTOM_RULES:
        return CUSTOM_RULES[rule_id]
    path, _, last = rule_id.rpartition(".")
    if last == "required" and path:
        return text("validation-event-id-required", field=path, max_len=EVENT_ID_CHARS)
    return None


def rule_text(violation: Any, root: Descriptor) -> Text | str:
    """What a violation says, with the rule's figures, in the catalogue's words; the
    library's English message for a rule the catalogue does not know (nothing is lost)."""
    proto = violation.proto
    rule_path = [element.field_name for element in proto.rule.elements] if proto.rule else []
    if not rule_path or rule_path[0] == "cel":
        found = custom_text(proto.rule_id)
    else:
        message = rule_message(proto.rule_id)
        found = None
        if has_message(message):
            try:
                arguments = _rule_arguments(_field(root, proto.field), rule_path, violation)
            except (AttributeError, KeyError, TypeError, ValueError):
                # A rule shaped as this code never met: its words must not cost the caller
                # the real refusal (an INTERNAL instead of the field's INVALID_ARGUMENT).
                log.exception("figures of rule %s", proto.rule_id)
            else:
                found = text(message, **arguments)
    return found if found is not None else proto.message


def _field(root: Descriptor, path: Any) -> FieldDescriptor | None:
    """The field a buf.validate.FieldPath ends on (None for a oneof)."""
    descriptor, field = root, None
    for element in path.elements if path is not None else ():
        if descriptor is None or element.field_number not in descriptor.fields_by_number:
            return None
        field = descriptor.fields_by_number[element.field_number]
        descriptor = field.message_type
        if descriptor is not None and descriptor.GetOptions().map_entry:
            descriptor = descriptor.fields_by_name["value"].message_type
    return field


def _rule_arguments(
    field: FieldDescriptor | None, rule_path: list[str], violation: Any
) -> dict[str, Argument]:
    """The figures of the rule that was broken and of its siblings (the `lte` of a `gte`):
    read from the field's annotation, so a combined rule ("gte_lte") has both bounds."""
    if field is None or not field.GetOptions().HasExtension(validate_pb2.field):
        return {}
    rules: Message = field.GetOptions().Extensions[validate_pb2.field]
    for name in rule_path[:-1]:
        rules = getattr(rules, name)
    enum = field.enum_type
    arguments: dict[str, Argument] = {}
    for rule, setting in rules.ListFields():
        name = RENAMED.get(rule.name, rule.name)
        if rule.is_repeated:
            figures = (_figure(item, enum) for item in setting)
            arguments[name] = tuple(figure for figure in figures if figure is not None)
            if rule.name == rule_path[-1]:
                arguments["count"] = len(setting)
        elif (figure := _figure(setting, enum if rule.name == "const" else None)) is not None:
            arguments[name] = figure
    if enum is not None:
        arguments["enum"] = enum.name
        given = violation.field_value
        if isinstance(given, int) and not isinstance(given, bool):
            arguments["given"] = given
    return arguments


def _figure(setting: object, enum: Any = None) -> Argument | None:
    """A rule's value as a text argument: numbers, words, instants; None for the rest."""
    if isinstance(setting, bool):
        return "true" if setting else "false"
    if isinstance(setting, int):
        if enum is not None and setting in enum.values_by_number:
            return f"{enum.values_by_number[setting].name} ({setting})"
        return setting
    if isinstance(setting, float):
        return Decimal(repr(setting))
    if isinstance(setting, str):
        return setting
    if isinstance(setting, Timestamp):
        return _instant(setting.ToDatetime(tzinfo=UTC))
    if isinstance(setting, Duration):
        return str(setting.ToTimedelta())
    return None


def _instant(at: datetime) -> Text:
    """A timestamp rule's bound (UTC): its day and time for French, ISO 8601 for English."""
    iso = at.isoformat().replace("+00:00", "Z")
    return text(
        "validation-instant",
        day=at.date(),
        hour=at.hour,
        minute=at.minute,
        second=at.second,
        iso=iso,
    )


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
    except ValueError:
        given = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        return Violation(field, text("validation-not-a-calendar-date", given=given))
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        return Violation(
            field, text("validation-date-range", earliest=EARLIEST_DATE, latest=LATEST_DATE)
        )
    return None
