"""Vigie's message catalogue: the rules' Texts written in French (by default) or English.

The catalogue is Fluent (`locales/<language>/*.ftl`, one file per area of the rules): a
message id, its words, and the plural and number forms of the language, so the rules give
figures and never sentences. Arguments are formatted here with Babel's data for the
language: numbers ("1 234,5"), dates ("26 avril 2027"), lists ("FR, MA et TN").

Texts travel as `vigie.wording.v1.Wording` next to the string they render to; `localise`
fills every such string of a message in one language: French when an event is written,
the caller's (`accept-language`) when a gRPC response leaves."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal
from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax import FluentParser, ast
from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from vigie.wording.v1 import wording_pb2 as wpb

from services.rules.wording import Argument, Text

log = logging.getLogger(__name__)

LOCALES = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "fr"
LANGUAGES = ("fr", "en")
# The caller's language for the call being served (set by the gRPC interceptor).
_language: contextvars.ContextVar[str] = contextvars.ContextVar("language", default="fr")
WORDING_SUFFIX = "_wording"


# ---- languages


def negotiate(accept_language: str | None) -> str:
    """The catalogue language for an `accept-language` value ("en-GB,en;q=0.8,fr;q=0.5"):
    the first of the caller's preferences that the catalogue has, else French."""
    preferences = []
    for position, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        preferences.append((-weight, position, tag.strip().lower().split("-")[0]))
    for _, _, language in sorted(preferences):
        if language in LANGUAGES:
            return language
    return DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    return _language.get()


# ---- rendering


@cache
def bundle(language: str) -> FluentBundle:
    """Every `.ftl` file of the language, read once."""
    messages = FluentBundle([language], use_isolating=False)
    for path in sorted((LOCALES / language).glob("*.ftl")):
        messages.add_resource(FluentResource(path.read_text(encoding="utf-8")))
    return messages


def has_message(message: str, language: str = DEFAULT_LANGUAGE) -> bool:
    return bundle(language).has_message(message)


def render(text: Text | str, language: str | None = None) -> str:
    """The text in `language` (default: the current call's). A str is already words (a
    person's reason, an older record's text) and is returned as it is."""
    if isinstance(text, str):
        return text
    language = language or current_language()
    messages = bundle(language)
    if not messages.has_message(text.message):
        if language != DEFAULT_LANGUAGE:
            return render(text, DEFAULT_LANGUAGE)
        log.error("no text in the catalogue for %r", text.message)
        return text.message
    arguments = {name: _argument(value, language) for name, value in text.arguments}
    words, errors = messages.format_pattern(messages.get_message(text.message).value, arguments)
    if errors:
        log.error("text %r in %s: %s", text.message, language, errors)
    return words


def _argument(value: Argument, language: str) -> str | int | Decimal:
    if isinstance(value, Text):
        return render(value, language)
    if isinstance(value, tuple):
        return format_list([str(_argument(item, language)) for item in value], locale=language)
    if isinstance(value, date):
        return format_date(value, format="long", locale=language)
    return value


def argument_words(text: Text | str, name: str, language: str | None = None) -> str | None:
    """One argument of a text in words ("75 jours fin de mois" for a payment term's
    `observed`), or None when the text has no such argument."""
    if isinstance(text, str) or name not in text.values:
        return None
    language = language or current_language()
    words = _argument(text.values[name], language)
    if isinstance(words, int | Decimal):
        return format_decimal(words, locale=language)
    return str(words)


def rule_title(rule: str, language: str | None = None) -> str:
    """A rule's title ("notice_breach": "Délai de prévenance non respecté"); its id, spaced,
    for a rule the catalogue does not know."""
    message = "rule-" + rule.replace("_", "-")
    if not bundle(language or current_language()).has_message(message):
        return rule.replace("_", " ")
    return render(Text(message), language)


def finding_type_name(type_name: str, language: str | None = None) -> str:
    """A finding type's name, from its enum name ("FINDING_TYPE_NOTICE_BREACH")."""
    message = "finding-type-" + type_name.removeprefix("FINDING_TYPE_").lower().replace("_", "-")
    return render(Text(message), language)


# ---- Text <-> vigie.wording.v1.Wording


def to_proto(text: Text) -> wpb.Wording:
    wording = wpb.Wording(message=text.message)
    for name, value in text.arguments:
        wording.arguments[name].CopyFrom(_to_argument(value))
    return wording


def _to_argument(value: Argument) -> wpb.Argument:
    if isinstance(value, Text):
        return wpb.Argument(phrase=to_proto(value))
    if isinstance(value, tuple):
        return wpb.Argument(list=wpb.Arguments(items=[_to_argument(v) for v in value]))
    if isinstance(value, date):
        argument = wpb.Argument()
        argument.date.year, argument.date.month, argument.date.day = (
            value.year,
            value.month,
            value.day,
        )
        return argument
    if isinstance(value, Decimal):
        return wpb.Argument(decimal=str(value))
    if isinstance(value, int):
        return wpb.Argument(integer=value)
    return wpb.Argument(text=value)


def from_proto(wording: wpb.Wording) -> Text:
    return Text(
        wording.message,
        tuple((name, _from_argument(value)) for name, value in wording.arguments.items()),
    )


def _from_argument(argument: wpb.Argument) -> Argument:
    kind = argument.WhichOneof("value")
    if kind == "phrase":
        return from_proto(argument.phrase)
    if kind == "list":
        return tuple(_from_argument(item) for item in argument.list.items)
    if kind == "date":
        return date(argument.date.year, argument.date.month, argument.date.day)
    if kind == "decimal":
        try:
            return Decimal(argument.decimal)
        except InvalidOperation:
            return argument.decimal
    if kind == "integer":
        return argument.integer
    return argument.text


def fill(message: Message, name: str, text: Text | str) -> None:
    """Set `name` (e.g. "summary") of a message and its `<name>_wording` from a Text, in the
    current language; a str sets the words only."""
    if isinstance(text, Text):
        getattr(message, name + WORDING_SUFFIX).CopyFrom(to_proto(text))
    setattr(message, name, render(text))


def text_of(message: Message, name: str) -> Text | str:
    """What `fill` set: the Text of `<name>_wording`, else (an older record) the words."""
    if message.HasField(name + WORDING_SUFFIX):
        return from_proto(getattr(message, name + WORDING_SUFFIX))
    return getattr(message, name)


def to_json(text: Text | str) -> dict | str:
    """A Text as JSON (the proto's JSON form), for state kept in PostgreSQL; a str as is."""
    return text if isinstance(text, str) else json_format.MessageToDict(to_proto(text))


def from_json(value: dict | str) -> Text | str:
    if isinstance(value, str):
        return value
    return from_proto(json_format.ParseDict(value, wpb.Wording()))


# ---- every text of a message in one language


def localise(message: Message, language: str | None = None) -> Message:
    """Render every `<name>_wording` of `message` (nested messages included) into its
    `<name>` string, in `language` (default: the current call's). Messages whose type holds
    no wording anywhere (a volume report's 2,000 intervals) are not walked."""
    language = language or current_language()
    texts, children = _plan(message.DESCRIPTOR)
    for name in texts:
        if message.HasField(name + WORDING_SUFFIX):
            wording = getattr(message, name + WORDING_SUFFIX)
            setattr(message, name, render(from_proto(wording), language))
    for field in children:
        if field.is_repeated:
            for item in getattr(message, field.name):
                localise(item, language)
        elif message.HasField(field.name):
            localise(getattr(message, field.name), language)
    return message


@cache
def _plan(descriptor: Descriptor) -> tuple[tuple[str, ...], tuple[FieldDescriptor, ...]]:
    """The text fields of a message type that have a wording, and its message fields whose
    types may hold one (at any depth)."""
    texts = tuple(
        f.name
        for f in descriptor.fields
        if f.name.endswith(WORDING_SUFFIX) is False
        and f.name + WORDING_SUFFIX in descriptor.fields_by_name
    )
    children = tuple(
        f
        for f in descriptor.fields
        if f.type == FieldDescriptor.TYPE_MESSAGE
        and not f.message_type.GetOptions().map_entry
        and f.message_type.full_name != wpb.Wording.DESCRIPTOR.full_name
        and _holds_wording(f.message_type, frozenset({descriptor.full_name}))
    )
    return texts, children


def _holds_wording(descriptor: Descriptor, seen: frozenset[str]) -> bool:
    if descriptor.full_name in seen:
        return False
    if descriptor.full_name == wpb.Wording.DESCRIPTOR.full_name:
        return True
    return any(
        f.type == FieldDescriptor.TYPE_MESSAGE
        and not f.message_type.GetOptions().map_entry
        and _holds_wording(f.message_type, seen | {descriptor.full_name})
        for f in descriptor.fields
    )


def message_ids(language: str) -> Iterable[str]:
    """Every message id of a language's catalogue (for the completeness tests)."""
    for path in sorted((LOCALES / language).glob("*.ftl")):
        for entry in FluentParser().parse(path.read_text(encoding="utf-8")).body:
            if isinstance(entry, ast.Message):
                yield entry.id.name
