"""What a rule says to a person, as data: a message of the catalogue and its arguments.

A rule never writes a sentence. It names the catalogue's message ("notice-breach-summary")
and gives the figures (the lead time required, the one given, the dates); the catalogue
(`services/common/locales/<language>/*.ftl`, Fluent) writes it in French by default, or in
English for a caller who asks, with that language's numbers, dates, lists and plurals. The
figures stay in the messages for machines; the words are the catalogue's alone.

Arguments are typed so that each language can format them: int and Decimal are numbers (a
percentage is a Decimal, never a float), a date is a calendar date, a Text is a phrase of its
own (rendered first, e.g. "a 60 % cut" inside a verdict), a tuple is a list ("FR, MA et TN"),
and a str is shown as given (an id, a country code, a week label)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Union

Argument = Union[str, int, Decimal, date, "Text", tuple["Argument", ...]]


@dataclass(frozen=True)
class Text:
    """A message id of the catalogue and its arguments, by name (sorted: equal texts compare
    and hash alike)."""

    message: str
    arguments: tuple[tuple[str, Argument], ...] = ()

    def __post_init__(self) -> None:
        if not self.message:
            raise ValueError("a text needs a message id")
        for name, value in self.arguments:
            _check(name, value)
        object.__setattr__(self, "arguments", tuple(sorted(self.arguments)))

    @property
    def values(self) -> dict[str, Argument]:
        return dict(self.arguments)


def text(message: str, **arguments: Argument | Iterable[Argument]) -> Text:
    """`text("notice-breach-summary", required=90, given=10)`. Lists may be given as any
    iterable; they are kept as tuples."""
    return Text(message, tuple((name, _frozen(value)) for name, value in arguments.items()))


def _frozen(value: object) -> Argument:
    if isinstance(value, str | int | Decimal | date | Text):
        return value
    if isinstance(value, Iterable):
        return tuple(_frozen(item) for item in value)
    raise TypeError(f"a text argument cannot be a {type(value).__name__}")


def _check(name: str, value: object) -> None:
    if isinstance(value, bool | float):
        # A bool would print as 1 or 0, a float would change the figure: the caller decides.
        raise TypeError(f"text argument {name!r}: {type(value).__name__} is not allowed")
    if isinstance(value, tuple):
        for item in value:
            _check(name, item)
    elif not isinstance(value, str | int | Decimal | date | Text):
        raise TypeError(f"text argument {name!r}: a {type(value).__name__} is not allowed")
