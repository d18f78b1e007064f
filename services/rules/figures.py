"""Figures as the rules state them: a percentage to the cent, a percentage's shortest record,
a count of months as the advisories' fixed record. Shared by the rules that quote them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext


def percent_of(part: Decimal, whole: Decimal) -> Decimal:
    """part ÷ whole × 100, to the cent (half up), every digit kept; 0 for 0 of 0, infinite for
    something of nothing."""
    if whole == 0:
        return Decimal(0) if part == 0 else Decimal("Infinity")
    raw = part * 100 / whole
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, raw.adjusted() + 3)  # quantize to cents keeps every digit
        return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def percent_text(value: Decimal) -> str:
    """40.00 → "40", 9.90 → "9.9": every significant digit, never in exponent notation."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def months_record(count: int) -> str:
    """The fixed record of a count of months in an advisory's `observed`/`limit` ("2 months");
    the words people read are the catalogue's (`purchasing-months`)."""
    return f"{count} month" if count == 1 else f"{count} months"
