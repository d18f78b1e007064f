"""The two lists of the publication form the committee edits row by row: the SMIC amounts
(from a date, with the décret or arrêté that set it) and the bands of the default notice
schedule. Each row's cells are named `<list>.<row>.<column>`; a row left empty is dropped, and
one empty row is offered to add one. Limits come from the proto; what a value may be is the
service's to say. Pure: policy.py puts them in its form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from google.protobuf.descriptor import Descriptor
from google.type.date_pb2 import Date
from vigie.contracts.v1 import contracts_pb2 as kpb
from vigie.policy.v1 import policy_pb2 as pb

from services.dashboard import fields, french
from services.dashboard.markup import e

WAGES, BANDS = "purchasing.minimum_wages", "lead_time.default_schedule"
ACTS = {"decret": pb.MINIMUM_WAGE_ACT_DECREE, "arrete": pb.MINIMUM_WAGE_ACT_ORDER}
ACT_NAMES = {"decret": "décret", "arrete": "arrêté"}
UNITS = {
    "jours": kpb.LEAD_TIME_UNIT_CALENDAR_DAYS,
    "jours-ouvres": kpb.LEAD_TIME_UNIT_BUSINESS_DAYS,
    "mois": kpb.LEAD_TIME_UNIT_CALENDAR_MONTHS,
}
UNIT_NAMES = {"jours": "jours calendaires", "jours-ouvres": "jours ouvrés", "mois": "mois"}
SPACES = " \u00a0\u202f"


@dataclass(frozen=True)
class Column:
    name: str  # in the form
    label: str
    kind: str  # date, number, money, text, or a choice ("act", "unit")
    proto: str  # the proto's field, as a refusal names it


@dataclass(frozen=True)
class RowList:
    path: str
    title: str
    message: Descriptor
    columns: tuple[Column, ...]

    def cell(self, row: int, column: str) -> str:
        return f"{self.path}.{row}.{column}"

    def rows(self, values: Mapping[str, str]) -> list[int]:
        found = {
            int(m.group(1))
            for name in values
            if (m := re.fullmatch(re.escape(self.path) + r"\.(\d+)\.\w+", name))
        }
        return sorted(found)


WAGE_LIST = RowList(
    WAGES,
    "SMIC horaire brut",
    pb.MinimumWage.DESCRIPTOR,
    (
        Column("effective_from", "À partir du", "date", "effective_from"),
        Column("hourly", "Montant horaire brut (€)", "money", "hourly_cents"),
        Column("act", "Texte", "act", "act"),
        Column("act_number", "Numéro du décret", "text", "act_number"),
        Column("act_signed", "Signé le", "date", "act_signed"),
    ),
)
BAND_LIST = RowList(
    BANDS,
    "Barème par défaut",
    kpb.NoticeBand.DESCRIPTOR,
    (
        Column(
            "up_to_percent", "Changements jusqu'à (%) ; vide : au-delà", "number", "up_to_percent"
        ),
        Column("lead_time", "Délai", "number", "lead_time"),
        Column("unit", "Unité", "unit", "unit"),
    ),
)
LISTS = {WAGES: WAGE_LIST, BANDS: BAND_LIST}


def values_of(policy: pb.CommitteePolicy) -> dict[str, str]:
    """Each row of the latest version, then an empty one."""
    values: dict[str, str] = {}
    wages = list(policy.purchasing.minimum_wages)
    for i, wage in enumerate(wages):
        act = next((k for k, v in ACTS.items() if v == wage.act), "")
        values |= {
            WAGE_LIST.cell(i, "effective_from"): _iso(wage.effective_from),
            WAGE_LIST.cell(i, "hourly"): f"{Decimal(wage.hourly_cents) / 100:.2f}",
            WAGE_LIST.cell(i, "act"): act,
            WAGE_LIST.cell(i, "act_number"): wage.act_number,
            WAGE_LIST.cell(i, "act_signed"): _iso(wage.act_signed),
        }
    values |= {WAGE_LIST.cell(len(wages), c.name): "" for c in WAGE_LIST.columns}
    bands = list(policy.lead_time.default_schedule.bands)
    for i, band in enumerate(bands):
        unit = next((k for k, v in UNITS.items() if v == band.unit), "")
        values |= {
            BAND_LIST.cell(i, "up_to_percent"): (
                str(band.up_to_percent) if band.HasField("up_to_percent") else ""
            ),
            BAND_LIST.cell(i, "lead_time"): str(band.lead_time),
            BAND_LIST.cell(i, "unit"): unit,
        }
    values |= {BAND_LIST.cell(len(bands), c.name): "" for c in BAND_LIST.columns}
    return values


def typed_values(form: Mapping[str, object]) -> dict[str, str]:
    """The cells sent, whatever rows they are on."""
    return {
        name: str(value).strip()
        for name, value in form.items()
        if any(re.fullmatch(re.escape(p) + r"\.\d{1,3}\.\w+", name) for p in LISTS)
    }


def apply(policy: pb.CommitteePolicy, values: Mapping[str, str]) -> None:
    """Put the rows typed in `policy`; ValueError naming the cell that cannot even be put in a
    request (not a date, not an amount, not a whole number)."""
    policy.purchasing.ClearField("minimum_wages")
    for row in WAGE_LIST.rows(values):
        cells = {c.name: values.get(WAGE_LIST.cell(row, c.name), "") for c in WAGE_LIST.columns}
        if not any(cells.values()):
            continue
        wage = policy.purchasing.minimum_wages.add()
        wage.effective_from.CopyFrom(
            _date(cells["effective_from"], WAGE_LIST.cell(row, "effective_from"))
        )
        wage.hourly_cents = _cents(cells["hourly"], WAGE_LIST.cell(row, "hourly"))
        if cells["act"] not in ACTS:
            raise ValueError(WAGE_LIST.cell(row, "act"))
        wage.act = ACTS[cells["act"]]
        wage.act_number = cells["act_number"]
        wage.act_signed.CopyFrom(_date(cells["act_signed"], WAGE_LIST.cell(row, "act_signed")))
    schedule = policy.lead_time.default_schedule
    schedule.ClearField("bands")
    for row in BAND_LIST.rows(values):
        cells = {c.name: values.get(BAND_LIST.cell(row, c.name), "") for c in BAND_LIST.columns}
        if not any(cells.values()):
            continue
        band = schedule.bands.add()
        if cells["up_to_percent"]:
            band.up_to_percent = _whole(
                cells["up_to_percent"], BAND_LIST.cell(row, "up_to_percent")
            )
        band.lead_time = _whole(cells["lead_time"], BAND_LIST.cell(row, "lead_time"))
        if cells["unit"] not in UNITS:
            raise ValueError(BAND_LIST.cell(row, "unit"))
        band.unit = UNITS[cells["unit"]]


def field_of(path: str) -> str | None:
    """The form's cell for a path a refusal names: `purchasing.minimum_wages[2].hourly_cents`,
    `lead_time.default_schedule.bands[0].lead_time`; the list itself for the list as a whole
    (two amounts on the same day, bands out of order); None for a path of neither list."""
    for rows in LISTS.values():
        if not path.startswith(rows.path):
            continue
        found = re.fullmatch(r"(?:\.bands)?\[(\d+)\](?:\.(\w+))?", path[len(rows.path) :])
        if found is None:
            return rows.path
        row, proto = int(found.group(1)), found.group(2)
        column = next((c for c in rows.columns if c.proto == proto), rows.columns[-1])
        return rows.cell(row, column.name)
    return None


def label_of(name: str) -> str | None:
    """« SMIC horaire brut, ligne 2, Montant horaire brut (€) » for a cell's name."""
    for rows in LISTS.values():
        if name == rows.path:
            return rows.title
        found = re.fullmatch(re.escape(rows.path) + r"\.(\d+)\.(\w+)", name)
        if found:
            column = next((c for c in rows.columns if c.name == found.group(2)), None)
            if column is not None:
                return f"{rows.title}, ligne {int(found.group(1)) + 1}, {column.label}"
    return None


def why_unreadable(name: str) -> str:
    kind = next(
        (c.kind for rows in LISTS.values() for c in rows.columns if name.endswith("." + c.name)),
        "",
    )
    return {
        "date": "une date est attendue (jour, mois, année).",
        "money": "un montant en euros est attendu, au centime près (11,88).",
        "number": "un nombre entier est attendu.",
        "act": "choisissez décret ou arrêté.",
        "unit": "choisissez une unité.",
    }.get(kind, "valeur illisible.")


def editor(
    rows: RowList, values: Mapping[str, str], problems: Mapping[str, str], prefix: str
) -> str:
    """The list as a table of inputs, one row a line, each refusal under its cell."""
    head = "".join(f"<th>{e(c.label)}</th>" for c in rows.columns)
    lines = []
    for row in rows.rows(values):
        cells = "".join(
            f"<td>{_cell(rows, row, c, values, problems)}"
            f"{fields.field_error(prefix, rows.cell(row, c.name), problems)}</td>"
            for c in rows.columns
        )
        lines.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="row-list" id="{e(prefix)}-{e(rows.path)}">'
        f'<p class="label">{e(rows.title)}</p>'
        f'<table class="row-list"><thead><tr>{head}</tr></thead><tbody>{"".join(lines)}</tbody>'
        "</table>"
        '<p class="hint">Une ligne laissée vide est ignorée ; la dernière, vide, en ajoute une.</p>'
        f"{fields.field_error(prefix, rows.path, problems)}</div>"
    )


def _cell(
    rows: RowList, row: int, column: Column, values: Mapping[str, str], problems: Mapping[str, str]
) -> str:
    name = rows.cell(row, column.name)
    value = values.get(name, "")
    label = f"{rows.title}, ligne {row + 1}, {column.label}"
    invalid = ' aria-invalid="true"' if name in problems else ""
    common = f'name="{e(name)}" aria-label="{e(label)}"{invalid}'
    if column.kind in ("act", "unit"):
        choices = ACT_NAMES if column.kind == "act" else UNIT_NAMES
        options = '<option value="">—</option>' + "".join(
            f'<option value="{e(k)}"{" selected" if k == value else ""}>{e(text)}</option>'
            for k, text in choices.items()
        )
        return f"<select {common}>{options}</select>"
    if column.kind == "money":
        low, high = fields.number_limits(rows.message, column.proto)
        bounds = f' min="{low / 100:.2f}" max="{high / 100:.2f}" step="0.01"'
        return f'<input type="number" {common} value="{e(value)}"{bounds}>'
    if column.kind == "number":
        low, high = fields.number_limits(rows.message, column.proto)
        return (
            f'<input type="number" {common} value="{e(value)}" min="{low}" max="{high}" step="1">'
        )
    if column.kind == "date":
        return f'<input type="date" {common} value="{e(value)}">'
    # The proto's pattern is the service's to check: a browser's pattern syntax differs.
    longest = fields.max_length(rows.message, column.proto)
    return f'<input type="text" {common} value="{e(value)}" maxlength="{longest}">'


def _iso(value: Date) -> str:
    day = french.from_date(value)
    return day.isoformat() if day else ""


def _date(typed: str, name: str) -> Date:
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        raise ValueError(name) from None
    return Date(year=day.year, month=day.month, day=day.day)


def _cents(typed: str, name: str) -> int:
    """« 11,88 » or « 11.88 » euros in cents; ValueError for anything not to the cent."""
    try:
        euros = Decimal("".join(c for c in typed if c not in SPACES).replace(",", "."))
    except InvalidOperation:
        raise ValueError(name) from None
    cents = euros * 100
    if not euros.is_finite() or cents != cents.to_integral_value() or not 0 <= cents < 2**32:
        raise ValueError(name)
    return int(cents)


def _whole(typed: str, name: str) -> int:
    try:
        number = int("".join(c for c in typed if c not in SPACES))
    except ValueError:
        raise ValueError(name) from None
    if not 0 <= number < 2**32:
        raise ValueError(name)
    return number
