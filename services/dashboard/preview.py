"""The form « Simuler un changement de charge » of a contract's page and its answer, drawn
from NoticeService.PreviewWorkloadChange: before notifying a workload change, the ordering
party learns the band that applies, the earliest date the change may take effect, the
business days and public holidays counted, whether the agents' 7 working days bind, and
whether a desired date complies. Nothing is recorded. The fields carry the proto's limits; a
refusal of the service is said in French next to the field it names, the values typed kept.
Pure: the page (pages/contract.py) makes the call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import grpc
from google.type.date_pb2 import Date
from vigie.contracts.v1 import contracts_pb2 as kpb
from vigie.notices.v1 import notices_pb2 as npb

from services.dashboard import fields, french
from services.dashboard.backends import BackendError
from services.dashboard.markup import contract_url, e, notice_box

SLUG = "simulation"
# The kinds of change, as the request's oneof has them.
PERCENT, VOLUME, TERMINATION = "pourcentage", "volume", "resiliation"
KINDS = (
    (PERCENT, "Variation du volume, en pourcentage (−40 pour une baisse de 40 %)"),
    (VOLUME, "Nouveau volume mensuel, en contacts"),
    (TERMINATION, "Résiliation du contrat"),
)
FIELDS = ("nature", PERCENT, VOLUME, "notification", "souhaitee")
LABELS = {
    "nature": "Nature du changement",
    PERCENT: "Variation (%)",
    VOLUME: "Nouveau volume (contacts par mois)",
    "notification": "Date de notification",
    "souhaitee": "Date d'effet souhaitée",
}
# The request's field paths (as a refusal names them) to the form's fields.
BY_PATH = {
    "change.change_percent": PERCENT,
    "change.new_contacts_per_month": VOLUME,
    "change.termination": "nature",
    "change": "nature",
    "notified_on": "notification",
    "desired_effective_date": "souhaitee",
}
FAILED = "La simulation n'a pas pu être faite"
# The last day the proto accepts (its "date.range" rule): the date inputs go no further.
LATEST_TYPED = date(2100, 12, 31)


def number_limits(name: str) -> tuple[int, int]:
    """The proto's bounds for a field of WorkloadChange."""
    return fields.number_limits(npb.WorkloadChange.DESCRIPTOR, name)


PROTO_FIELDS = {PERCENT: "change_percent", VOLUME: "new_contacts_per_month"}


@dataclass
class Simulation:
    """A form sent: what was typed, and either the service's answer or why it was refused."""

    values: Mapping[str, str]
    answer: npb.PreviewWorkloadChangeResponse | None = None
    problem: str = ""
    field_problems: dict[str, str] = field(default_factory=dict)
    status: int = 200


def values_of(query: Mapping[str, str]) -> dict[str, str]:
    return {name: str(query.get(name, "")).strip() for name in FIELDS}


def request_of(contract_id: str, values: Mapping[str, str]) -> npb.PreviewWorkloadChangeRequest:
    """The request the form asks for; ValueError naming the form's field for what cannot
    even be put in one (not a whole number, not a date). Whether a value is acceptable is
    the service's to say."""
    request = npb.PreviewWorkloadChangeRequest(contract_id=contract_id)
    kind = values.get("nature", "")
    if kind == TERMINATION:
        request.change.termination = True
    elif kind in (PERCENT, VOLUME):
        # A minus sign as typography writes it, and French thousands separators.
        typed = values.get(kind, "").replace("−", "-")
        typed = "".join(c for c in typed if c not in " \u00a0\u202f")
        try:
            number = int(typed)
        except ValueError:
            raise ValueError(kind) from None
        low, high = (-(2**31), 2**31 - 1) if kind == PERCENT else (0, 2**32 - 1)
        if not low <= number <= high:  # beyond what the proto's integer holds at all
            raise ValueError(kind)
        setattr(request.change, PROTO_FIELDS[kind], number)
    else:
        raise ValueError("nature")
    for name, target in (("notification", "notified_on"), ("souhaitee", "desired_effective_date")):
        typed = values.get(name, "")
        if not typed:
            continue
        try:
            day = date.fromisoformat(typed)
        except ValueError:
            raise ValueError(name) from None
        getattr(request, target).CopyFrom(Date(year=day.year, month=day.month, day=day.day))
    return request


def unreadable(values: Mapping[str, str], name: str) -> Simulation:
    """A field that cannot be sent at all: said next to it, nothing asked of the service."""
    if name == "nature":
        why = "choisissez une variation en pourcentage, un nouveau volume ou la résiliation."
    elif name in (PERCENT, VOLUME):
        low, high = number_limits(PROTO_FIELDS[name])
        why = f"un nombre entier est attendu, entre {french.number(low)} et {french.number(high)}."
    else:
        why = "une date est attendue (jour, mois, année)."
    return Simulation(
        values,
        problem=f"{FAILED}. Corrigez le champ signalé.",
        field_problems={name: f"{LABELS[name]} : {why}"},
        status=400,
    )


def refused(values: Mapping[str, str], error: BackendError) -> Simulation:
    """The service's refusal, in French (its reasons come in the caller's language): next to
    the field it names, else above the form."""
    status = {
        grpc.StatusCode.INVALID_ARGUMENT: 400,
        grpc.StatusCode.PERMISSION_DENIED: 403,
        grpc.StatusCode.NOT_FOUND: 404,
        grpc.StatusCode.FAILED_PRECONDITION: 409,
    }.get(error.code, 503)
    simulation = Simulation(values, status=status)
    match error.code:
        case grpc.StatusCode.INVALID_ARGUMENT:
            general = []
            for path, reason in error.field_violations or (("", error.details),):
                name = BY_PATH.get(path.split("[")[0])
                if name is not None and name not in simulation.field_problems:
                    simulation.field_problems[name] = f"{LABELS[name]} : {reason}"
                elif name is None:
                    general.append(reason or "le service des préavis refuse ce formulaire.")
            fix = ["Corrigez le champ signalé."] if simulation.field_problems else []
            simulation.problem = f"{FAILED}. " + " ".join(fix + general)
        case grpc.StatusCode.PERMISSION_DENIED:
            simulation.problem = (
                f"{FAILED} : seul le donneur d'ordre du contrat peut simuler un changement de "
                "charge."
            )
        case grpc.StatusCode.NOT_FOUND:
            simulation.problem = f"{FAILED} : contrat introuvable, ou hors de votre périmètre."
        case grpc.StatusCode.FAILED_PRECONDITION:
            # "contract_id: <the reason, in French>"
            reason = error.details.partition(": ")[2] or "le contrat ne le permet pas."
            simulation.problem = f"{FAILED} : {reason}"
        case _:
            simulation.problem = f"{FAILED}. {error.message}"
    return simulation


# --- the form -----------------------------------------------------------------------------


def form(contract_id: str, simulation: Simulation | None, today: date) -> str:
    values = simulation.values if simulation else {}
    problems = simulation.field_problems if simulation else {}
    kind = values.get("nature", "") or PERCENT
    target = e(f"{contract_url(contract_id)}/{SLUG}#{SLUG}")
    radios = "".join(
        f'<label class="choice"><input type="radio" name="nature" value="{value}"'
        f"{' checked' if value == kind else ''} required> {e(text)}</label>"
        for value, text in KINDS
    )
    parts = [
        f'<section class="lifecycle simulation" id="{SLUG}">',
        "<h2>Simuler un changement de charge</h2>",
        '<p class="hint">Avant de notifier un changement de volume sur ce contrat : le délai de '
        "prévenance qui s'applique, la date d'effet la plus proche possible, les jours ouvrés "
        "et fériés comptés, et si une date souhaitée serait respectée. Rien n'est enregistré ; "
        "le centre n'est pas prévenu.</p>",
        notice_box(simulation.problem) if simulation and simulation.problem else "",
        f'<form class="lifecycle" method="get" action="{target}">',
        f"<fieldset><legend>{e(LABELS['nature'])}</legend>{radios}"
        f"{_error('nature', problems)}</fieldset>",
    ]
    for name in (PERCENT, VOLUME):
        low, high = number_limits(PROTO_FIELDS[name])
        hint = f"Entre {french.number(low)} et {french.number(high)}."
        parts.append(
            _input(name, "number", values.get(name, ""), problems, hint, min=low, max=high, step=1)
        )
    parts.append(
        _input(
            "notification",
            "date",
            values.get("notification", ""),
            problems,
            "Facultatif : aujourd'hui si vide.",
            min=today.isoformat(),
            max=LATEST_TYPED.isoformat(),
        )
    )
    parts.append(
        _input(
            "souhaitee",
            "date",
            values.get("souhaitee", ""),
            problems,
            "Facultatif : la date à laquelle le changement prendrait effet.",
            min=today.isoformat(),
            max=LATEST_TYPED.isoformat(),
        )
    )
    parts.append('<button type="submit">Simuler</button></form>')
    if simulation and simulation.answer is not None:
        parts.append(answer(simulation.answer))
    parts.append("</section>")
    return "".join(parts)


def _input(
    name: str, kind: str, value: str, problems: Mapping[str, str], hint: str, **limits: object
) -> str:
    return fields.field_input(SLUG, name, LABELS[name], kind, value, problems, hint, **limits)


def _error(name: str, problems: Mapping[str, str]) -> str:
    return fields.field_error(SLUG, name, problems)


# --- the answer ---------------------------------------------------------------------------


def answer(seen: npb.PreviewWorkloadChangeResponse) -> str:
    """The service's answer in French: each figure on its line, then its explanation."""
    notified = french.from_date(seen.notified_on)
    earliest = french.from_date(seen.earliest_effective_date)
    facts = [
        ("Variation", french.percent(seen.change_percent, 2)),
        ("Notification", french.day(notified) if notified else "—"),
        ("Délai de prévenance", band_text(seen)),
    ]
    if seen.HasField("band"):
        facts.append(("Date d'effet au plus tôt", french.day(earliest) if earliest else "—"))
        facts.append(("Jours ouvrés comptés", counted_text(seen)))
        facts.append(("Plannings des conseillers", floor_text(seen)))
    if seen.HasField("desired_date_complies"):
        facts.append(("Date souhaitée", desired_text(seen)))
    rows = "".join(
        f'<dt>{e(label)}</dt><dd class="{_css(label)}">{e(value)}</dd>' for label, value in facts
    )
    verdict = ""
    if seen.HasField("desired_date_complies"):
        kind = "info" if seen.desired_date_complies else "warning"
        words = (
            "La date souhaitée respecte le délai de prévenance."
            if seen.desired_date_complies
            else "La date souhaitée ne respecte pas le délai de prévenance."
        )
        verdict = notice_box(words, kind)
    return (
        '<div class="preview-answer" role="status"><h3>Résultat de la simulation</h3>'
        f'{verdict}<dl class="preview-facts">{rows}</dl>'
        f'<p class="explanation">{e(seen.explanation)}</p>'
        f'<p class="reference"><span>Source :</span> {e(seen.reference)}</p></div>'
    )


def band_text(seen: npb.PreviewWorkloadChangeResponse) -> str:
    """« 3 mois (changements de plus de 30 %) », with the default schedule said."""
    if not seen.HasField("band"):
        return "aucun : une variation nulle ne demande pas de préavis"
    band = seen.band
    scope = (
        f"changements jusqu'à {french.percent(band.up_to_percent, 0)}"
        if band.HasField("up_to_percent")
        else "changements les plus importants et résiliation"
    )
    default = ""
    if seen.default_schedule:
        default = " ; barème par défaut du comité du label, le contrat n'en fixe pas"
    return f"{french.lead_time(seen.required, seen.unit)} ({scope}{default})"


def counted_text(seen: npb.PreviewWorkloadChangeResponse) -> str:
    counted = f"{french.number(seen.business_days)} jour{'s' if seen.business_days > 1 else ''}"
    if not seen.public_holidays:
        return f"{counted} ; aucun jour férié en semaine sur la période"
    named = ", ".join(
        f"{h.name} ({french.day(french.from_date(h.date))})" for h in seen.public_holidays
    )
    return f"{counted} ; jours fériés non comptés : {named}"


def floor_text(seen: npb.PreviewWorkloadChangeResponse) -> str:
    floor = french.from_date(seen.agent_floor_date)
    when = french.day(floor) if floor else "—"
    if seen.agent_floor_binds:
        return (
            f"les 7 jours ouvrés de prévenance des plannings (Code du travail) demandent "
            f"davantage : pas avant le {when}"
        )
    return f"les 7 jours ouvrés de prévenance des plannings sont respectés (dès le {when})"


def desired_text(seen: npb.PreviewWorkloadChangeResponse) -> str:
    desired = french.from_date(seen.desired_effective_date)
    earliest = french.from_date(seen.earliest_effective_date)
    when = french.day(desired) if desired else "—"
    if seen.desired_date_complies:
        return f"{when} : conforme"
    short = (earliest - desired).days if desired and earliest else 0
    return f"{when} : trop tôt de {french.number(short)} jour{'s' if short > 1 else ''}"


def _css(label: str) -> str:
    return {
        "Délai de prévenance": "band",
        "Date d'effet au plus tôt": "earliest",
        "Jours ouvrés comptés": "counted",
        "Plannings des conseillers": "floor",
        "Date souhaitée": "desired",
    }.get(label, "figure")


def schedule_rows(schedule: kpb.NoticeSchedule) -> list[list[str]]:
    """The contract's bands as table rows: the changes covered, the lead time."""
    rows = []
    previous = 0
    for band in schedule.bands:
        if band.HasField("up_to_percent"):
            scope = f"jusqu'à {french.percent(band.up_to_percent, 0)}"
            previous = band.up_to_percent
        else:
            scope = (
                f"plus de {french.percent(previous, 0)}, et la résiliation"
                if previous
                else "tout changement, et la résiliation"
            )
        rows.append([e(scope), e(french.lead_time(band.lead_time, band.unit))])
    return rows
