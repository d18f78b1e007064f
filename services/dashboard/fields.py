"""What the dashboard's forms share: a field's limits read from the proto's protovalidate
annotations (so the page never disagrees with the service), and an input drawn with its hint
and, after a refusal, the reason next to it."""

from __future__ import annotations

from collections.abc import Mapping

from buf.validate import validate_pb2
from google.protobuf.descriptor import Descriptor

from services.dashboard.markup import e


def number_limits(message: Descriptor, name: str) -> tuple[int, int]:
    """The bounds protovalidate sets on an integer field of `message` (gte/lte, or the
    smallest and largest of an `in` list); 0 when no lower bound is set."""
    rules = message.fields_by_name[name].GetOptions().Extensions[validate_pb2.field]
    for kind in ("sint32", "uint32", "int32"):
        if rules.HasField(kind):
            typed = getattr(rules, kind)
            listed = getattr(typed, "in")  # a Python keyword
            if listed:
                return min(listed), max(listed)
            widest = 2**32 - 1 if kind == "uint32" else 2**31 - 1
            high = typed.lte if typed.HasField("lte") else widest
            return typed.gte, high
    raise ValueError(f"{message.full_name}.{name} has no integer rules")


def field_input(
    prefix: str,
    name: str,
    label: str,
    kind: str,
    value: str,
    problems: Mapping[str, str],
    hint: str,
    **limits: object,
) -> str:
    """A labelled input, its hint, and the refusal's reason for it, if any."""
    css_id = f"{prefix}-{name}"
    problem = problems.get(name, "")
    described = f"{css_id}-aide" + (f" {css_id}-erreur" if problem else "")
    bounds = "".join(f' {k}="{e(v)}"' for k, v in limits.items())
    invalid = ' aria-invalid="true"' if problem else ""
    return (
        f'<label for="{e(css_id)}">{e(label)}</label>'
        f'<input type="{kind}" id="{e(css_id)}" name="{e(name)}" value="{e(value)}"{bounds}'
        f' aria-describedby="{e(described)}"{invalid}>'
        f'<p class="hint" id="{e(css_id)}-aide">{e(hint)}</p>{field_error(prefix, name, problems)}'
    )


def field_error(prefix: str, name: str, problems: Mapping[str, str]) -> str:
    problem = problems.get(name, "")
    if not problem:
        return ""
    return f'<p class="field-error" id="{e(prefix)}-{e(name)}-erreur">{e(problem)}</p>'


def max_length(message: Descriptor, name: str) -> int:
    """The max_len protovalidate sets on a string field of `message`."""
    rules = message.fields_by_name[name].GetOptions().Extensions[validate_pb2.field]
    return rules.string.max_len
