"""The committee's policy in French: each parameter with its label and its value in words and
units, grouped by area with the source each area rests on (docs/rules.md), what changed from
one version to the next, and the form « Publier une nouvelle version » with its limits read
from the proto. Pure: the page (pages/policy.py) makes the calls."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import grpc
from google.type.date_pb2 import Date
from vigie.notices.v1 import notices_pb2 as npb
from vigie.policy.v1 import policy_pb2 as pb

from services.dashboard import fields, french, lifecycle, policy_lists
from services.dashboard.backends import BackendError
from services.dashboard.markup import e, notice_box

NBSP = "\u00a0"
COUNTINGS = {
    npb.LEAD_TIME_COUNTING_LEGAL: (
        "le jour de la notification ne compte pas, et le délai doit être écoulé la veille du "
        "jour où le changement prend effet (Code de procédure civile, art. 641 et 642, al. 1)"
    ),
    npb.LEAD_TIME_COUNTING_NOTICE_DAY_COUNTS: (
        "le jour de la notification compte, celui où le changement prend effet ne compte pas"
    ),
}
COUNTING_CHOICES = {
    "legal": npb.LEAD_TIME_COUNTING_LEGAL,
    "jour-de-notification": npb.LEAD_TIME_COUNTING_NOTICE_DAY_COUNTS,
}


@dataclass(frozen=True)
class Parameter:
    """One parameter: where it sits in CommitteePolicy, its label, and its value in words."""

    path: str  # "workload.tolerance_percent"; also the form field's name
    label: str
    words: Callable[[object], str]
    unit: str = ""  # the form's unit, for an integer the committee types

    @property
    def area(self) -> str:
        return self.path.split(".")[0]

    @property
    def name(self) -> str:
        return self.path.split(".")[1]

    def value(self, policy: pb.CommitteePolicy) -> object:
        found = getattr(getattr(policy, self.area), self.name)
        return list(found) if hasattr(found, "__len__") and not isinstance(found, str) else found

    def text(self, policy: pb.CommitteePolicy) -> str:
        return self.words(self.value(policy))

    @property
    def integer(self) -> bool:
        return self.unit != ""

    @property
    def limits(self) -> tuple[int, int]:
        message = pb.CommitteePolicy.DESCRIPTOR.fields_by_name[self.area].message_type
        return fields.number_limits(message, self.name)


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    source: str
    parameters: tuple[Parameter, ...]


def _count(one: str, many: str) -> Callable[[object], str]:
    return lambda n: f"{french.number(n)}{NBSP}{one if n == 1 else many}"


def _percent(n: object) -> str:
    return french.percent(n, 0)


def _plus_minus(n: object) -> str:
    return f"±{NBSP}{french.percent(n, 0)}"


def _coefficient(n: object) -> str:
    return f"{french.percent(n, 0)} (coefficient {french.number(n / 100, 2)})"


def _per_year(n: object) -> str:
    months = french.number(n / 100, 2).rstrip("0").rstrip(",")
    return f"{months}{NBSP}mois de préavis par année de relation"


def _windows(n: object) -> str:
    if n == 0:
        return "aucune : la règle de dérive ne s'applique pas"
    return f"{french.number(n)} fenêtres"


def _countries(codes: object) -> str:
    return ", ".join(f"{french.country(c)} ({c})" for c in codes) or "aucun"


def wage_text(wage: pb.MinimumWage) -> str:
    """« 11,88 € de l'heure à partir du 1er novembre 2024 (décret n° 2024-951 du 23 octobre
    2024) »."""
    start = french.from_date(wage.effective_from)
    signed = french.from_date(wage.act_signed)
    if wage.act == pb.MINIMUM_WAGE_ACT_DECREE:
        act = f"décret n°{NBSP}{wage.act_number} du {french.day(signed)}" if signed else "décret"
    else:
        act = f"arrêté du {french.day(signed)}" if signed else "arrêté"
    when = f" à partir du {french.day(start)}" if start else ""
    return f"{french.number(wage.hourly_cents / 100, 2)}{NBSP}€ brut de l'heure{when} ({act})"


def _wages(wages: object) -> str:
    return " ; ".join(wage_text(w) for w in wages) or "aucun montant"


def _counting(value: object) -> str:
    return COUNTINGS.get(value, "décompte inconnu")


def schedule_text(schedule: object) -> str:
    """« jusqu'à 10 % : 15 jours calendaires ; jusqu'à 30 % : 1 mois ; au-delà et résiliation :
    3 mois »."""
    parts = []
    for band in schedule.bands:
        scope = (
            f"jusqu'à {french.percent(band.up_to_percent, 0)}"
            if band.HasField("up_to_percent")
            else "au-delà, et la résiliation"
        )
        parts.append(f"{scope} : {french.lead_time(band.lead_time, band.unit)}")
    return " ; ".join(parts) or "aucun barème"


AREAS = (
    Area(
        "perennial",
        "Pérennité : activité pérenne déguisée",
        "Label, 1er engagement (« hors campagnes et besoins ponctuels ») : lecture du comité de "
        "« ponctuel » ; l'interruption qui rompt l'enchaînement est un choix du comité.",
        (
            Parameter(
                "perennial.max_span_months",
                "Durée au-delà de laquelle un enchaînement est une activité pérenne",
                _count("mois", "mois"),
                "mois",
            ),
            Parameter(
                "perennial.max_gap_days",
                "Interruption la plus longue entre deux contrats d'un même enchaînement",
                _count("jour", "jours"),
                "jours",
            ),
        ),
    ),
    Area(
        "purchasing",
        "Achats responsables et coût plancher",
        "Montants du SMIC : Code du travail, art. L3231-2 et suivants. Les autres paramètres "
        "sont des choix du comité (Code de la sécurité sociale, art. L241-13 ; charte "
        "Relations fournisseurs et achats responsables ; label, 2e engagement).",
        (
            Parameter(
                "purchasing.minimum_wages",
                "SMIC horaire brut, avec le texte qui l'a fixé",
                _wages,
            ),
            Parameter(
                "purchasing.employer_cost_percent",
                "Coût employeur d'un euro de salaire brut au SMIC",
                _coefficient,
                "%",
            ),
            Parameter(
                "purchasing.productive_percent",
                "Heures productives par heure payée",
                _percent,
                "%",
            ),
            Parameter(
                "purchasing.max_penalty_cap_percent",
                "Plafond de pénalités admis",
                _percent,
                "%",
            ),
            Parameter(
                "purchasing.min_perennial_months",
                "Durée minimale d'un contrat d'activité pérenne",
                _count("mois", "mois"),
                "mois",
            ),
        ),
    ),
    Area(
        "relationship",
        "Relation commerciale établie",
        "Choix du comité (Code de commerce, art. L442-1 II ; Cass. com., 15 sept. 2009, "
        "n° 08-19.200 : une relation à travers des contrats successifs).",
        (
            Parameter(
                "relationship.max_gap_days",
                "Interruption la plus longue entre deux contrats d'une même relation",
                _count("jour", "jours"),
                "jours",
            ),
        ),
    ),
    Area(
        "termination",
        "Résiliation",
        "Code de commerce, art. L442-1 II : le préavis par année de relation suit l'usage de "
        "la jurisprudence ; aucune responsabilité au-delà de 18 mois de préavis (texte) ; la "
        "baisse qui vaut rupture partielle (« même partiellement ») est un choix du comité.",
        (
            Parameter(
                "termination.notice_month_percent_per_year",
                "Préavis dû par année de relation (en % d'un mois)",
                _per_year,
                "% d'un mois",
            ),
            Parameter(
                "termination.max_notice_months",
                "Préavis au-delà duquel aucune responsabilité n'est encourue",
                _count("mois", "mois"),
                "mois",
            ),
            Parameter(
                "termination.partial_cut_percent",
                "Baisse du volume confié qui vaut rupture partielle",
                _percent,
                "%",
            ),
        ),
    ),
    Area(
        "workload",
        "Variations de charge et prévisions",
        "Choix du comité.",
        (
            Parameter(
                "workload.tolerance_percent",
                "Écart au plan sans changement de charge",
                _plus_minus,
                "%",
            ),
            Parameter(
                "workload.forecast_band_percent",
                "Écart d'une prévision juste au volume traité",
                _plus_minus,
                "%",
            ),
            Parameter(
                "workload.forecast_weeks_in_a_row",
                "Semaines de suite hors de l'écart qui font un manquement",
                _count("semaine", "semaines"),
                "semaines",
            ),
        ),
    ),
    Area(
        "offshoring",
        "Délocalisation",
        "Pays : la France et ses départements et régions d'outre-mer. Les seuils sont des "
        "choix du comité.",
        (
            Parameter(
                "offshoring.onshore_countries",
                "Pays comptés en France (codes ISO à deux lettres)",
                _countries,
            ),
            Parameter(
                "offshoring.window_weeks",
                "Fenêtre de comparaison",
                _count("semaine", "semaines"),
                "semaines",
            ),
            Parameter(
                "offshoring.min_shift_percent",
                "Baisse du volume en France qui compte (part de la fenêtre précédente)",
                _percent,
                "%",
            ),
            Parameter(
                "offshoring.comparable_percent",
                "Hausse à l'étranger qui fait de la baisse un transfert (part de la baisse)",
                _percent,
                "%",
            ),
            Parameter(
                "offshoring.drift_windows",
                "Fenêtres comparées par la règle de dérive (0 : pas de règle de dérive)",
                _windows,
                "fenêtres",
            ),
        ),
    ),
    Area(
        "lead_time",
        "Préavis des changements de charge",
        "Décompte : Code de procédure civile, art. 641 et 642, al. 1. Barème par défaut : "
        "choix du comité (label, 3e engagement).",
        (
            Parameter("lead_time.counting", "Décompte des délais", _counting),
            Parameter(
                "lead_time.default_schedule",
                "Barème par défaut, pour un contrat qui n'en fixe pas",
                schedule_text,
            ),
        ),
    ),
)
PARAMETERS = tuple(p for area in AREAS for p in area.parameters)


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def differences(before: pb.CommitteePolicy, after: pb.CommitteePolicy) -> list[Change]:
    """What a version changed from the one before it, parameter by parameter."""
    return [
        Change(p.label, p.text(before), p.text(after))
        for p in PARAMETERS
        if p.value(before) != p.value(after)
    ]


def in_force(policies: list[pb.PublishedPolicy], today: date) -> pb.PublishedPolicy:
    """The version in force on `today`: of those in force by then, the last published."""
    started = [p for p in policies if effective(p.policy) <= today]
    return max(started, key=lambda p: p.policy.version)


def effective(policy: pb.CommitteePolicy) -> date:
    return french.from_date(policy.effective_from) or date.min


def effective_text(policy: pb.CommitteePolicy) -> str:
    day = french.from_date(policy.effective_from)
    return f"en vigueur à partir du {french.day(day)}" if day else "en vigueur depuis toujours"


# --- the form « Publier une nouvelle version » ------------------------------------------------

SLUG = "publication"
FAILED = "La nouvelle version n'a pas été publiée"
EFFECTIVE, RATIONALE, COUNTING = "effective_from", "rationale", "lead_time.counting"
COUNTRIES = "offshoring.onshore_countries"
RATIONALE_FIELD = lifecycle.TextField(
    RATIONALE, pb.PublishPolicyRequest, "rationale", "Motifs : la délibération du comité", rows=5
)
LABELS = {p.path: p.label for p in PARAMETERS} | {
    EFFECTIVE: "Date d'entrée en vigueur",
    RATIONALE: RATIONALE_FIELD.label,
}
LATEST_TYPED = date(2100, 12, 31)


@dataclass
class Attempt:
    """A publication refused: what was typed, and why."""

    values: Mapping[str, str]
    problem: str = ""
    field_problems: dict[str, str] = field(default_factory=dict)
    status: int = 400


def values_of(policy: pb.CommitteePolicy, today: date) -> dict[str, str]:
    """The form prefilled from `policy` (the latest version), in force the day after
    tomorrow, or from the latest version's day when that one is still to come (no version
    may take effect before it)."""
    values = {p.path: str(p.value(policy)) for p in PARAMETERS if p.integer}
    values[COUNTRIES] = " ".join(policy.offshoring.onshore_countries)
    values[COUNTING] = next(
        (k for k, v in COUNTING_CHOICES.items() if v == policy.lead_time.counting), "legal"
    )
    values[EFFECTIVE] = max(today + timedelta(days=2), effective(policy)).isoformat()
    values[RATIONALE] = ""
    return values | policy_lists.values_of(policy)


def typed_values(form: Mapping[str, object]) -> dict[str, str]:
    names = [p.path for p in PARAMETERS if p.integer] + [COUNTRIES, COUNTING, EFFECTIVE]
    typed = {name: str(form.get(name, "")).strip() for name in names}
    # The rationale as typed: its line breaks are the committee's.
    typed[RATIONALE] = str(form.get(RATIONALE, ""))
    return typed | policy_lists.typed_values(form)


def request_of(latest: pb.CommitteePolicy, values: Mapping[str, str]) -> pb.PublishPolicyRequest:
    """The next version: `latest` with what was typed. ValueError naming the form's field for
    what cannot even be put in a request (not a whole number, not a date); whether a value is
    acceptable is the service's to say."""
    policy = pb.CommitteePolicy()
    policy.CopyFrom(latest)
    policy.version = latest.version + 1
    for parameter in PARAMETERS:
        if not parameter.integer:
            continue
        typed = "".join(c for c in values.get(parameter.path, "") if c not in " \u00a0\u202f")
        try:
            number = int(typed)
        except ValueError:
            raise ValueError(parameter.path) from None
        if not 0 <= number < 2**32:  # beyond what the proto's integer holds at all
            raise ValueError(parameter.path)
        setattr(getattr(policy, parameter.area), parameter.name, number)
    countries = values.get(COUNTRIES, "").replace(",", " ").replace(";", " ").split()
    policy.offshoring.ClearField("onshore_countries")
    policy.offshoring.onshore_countries.extend(countries)
    if values.get(COUNTING) not in COUNTING_CHOICES:
        raise ValueError(COUNTING)
    policy.lead_time.counting = COUNTING_CHOICES[values[COUNTING]]
    try:
        day = date.fromisoformat(values.get(EFFECTIVE, ""))
    except ValueError:
        raise ValueError(EFFECTIVE) from None
    policy.effective_from.CopyFrom(Date(year=day.year, month=day.month, day=day.day))
    policy_lists.apply(policy, values)
    return pb.PublishPolicyRequest(policy=policy, rationale=values.get(RATIONALE, ""))


def unreadable(values: Mapping[str, str], name: str) -> Attempt:
    """A field that cannot be sent at all: said next to it, nothing asked of the service."""
    if policy_lists.label_of(name):
        why = policy_lists.why_unreadable(name)
    elif name == EFFECTIVE:
        why = "une date est attendue (jour, mois, année)."
    elif name == COUNTING:
        why = "choisissez un décompte."
    else:
        low, high = next(p for p in PARAMETERS if p.path == name).limits
        why = f"un nombre entier est attendu, entre {french.number(low)} et {french.number(high)}."
    return Attempt(
        values,
        problem=f"{FAILED}. Corrigez le champ signalé.",
        field_problems={name: f"{label_of(name)} : {why}"},
    )


def field_of(path: str) -> str | None:
    """The form's field for a field path a refusal names (`policy.workload.tolerance_percent`,
    `policy.offshoring.onshore_countries[6]`, `rationale`); None for one the form has not."""
    path = path.removeprefix("policy.")
    cell = policy_lists.field_of(path)
    if cell is not None:
        return cell
    path = path.split("[")[0]
    if path in LABELS:
        return path
    return None


def label_of(name: str) -> str:
    """A field's label, a cell of the SMIC amounts or the schedule included."""
    return policy_lists.label_of(name) or LABELS[name]


def refused(values: Mapping[str, str], error: BackendError) -> Attempt:
    """The service's refusal in French (its reasons come in the caller's language): next to
    the field it names, else above the form."""
    status = {
        grpc.StatusCode.INVALID_ARGUMENT: 400,
        grpc.StatusCode.PERMISSION_DENIED: 403,
    }.get(error.code, 503)
    attempt = Attempt(values, status=status)
    match error.code:
        case grpc.StatusCode.INVALID_ARGUMENT:
            general = []
            for path, reason in error.field_violations or (("", error.details),):
                name = field_of(path)
                if name is not None and name not in attempt.field_problems:
                    attempt.field_problems[name] = f"{label_of(name)} : {reason}"
                elif name is None and path == "policy.version":
                    general.append(
                        "Une autre version vient d'être publiée entre-temps : vérifiez les "
                        "valeurs ci-dessous au regard de celle-ci, puis publiez de nouveau."
                    )
                elif name is None:
                    general.append(reason or "le service refuse ce formulaire.")
            fix = ["Corrigez le champ signalé."] if attempt.field_problems else []
            attempt.problem = f"{FAILED}. " + " ".join(fix + general)
        case grpc.StatusCode.PERMISSION_DENIED:
            attempt.problem = f"{FAILED} : seul le comité du label publie sa politique."
        case _:
            attempt.problem = f"{FAILED}. {error.message}"
    return attempt


def form(
    latest: pb.CommitteePolicy, values: Mapping[str, str], attempt: Attempt | None, today: date
) -> str:
    problems = attempt.field_problems if attempt else {}
    earliest = max(today + timedelta(days=1), effective(latest))
    parts = [
        f'<section class="lifecycle policy-form" id="{SLUG}">',
        "<h2>Publier une nouvelle version</h2>",
        '<p class="hint">Les valeurs sont celles de la dernière version '
        f"(version {latest.version}). La nouvelle version prend effet au plus tôt le lendemain "
        "de sa publication, et jamais avant la dernière version ; ce qui s'est passé avant "
        "reste jugé selon la version alors en vigueur.</p>",
        notice_box(attempt.problem) if attempt and attempt.problem else "",
        f'<form class="lifecycle" method="post" action="/politique#{SLUG}">',
    ]
    parts.append(
        fields.field_input(
            SLUG,
            EFFECTIVE,
            LABELS[EFFECTIVE],
            "date",
            values.get(EFFECTIVE, ""),
            problems,
            f"Au plus tôt le {french.day(earliest)}.",
            min=earliest.isoformat(),
            max=LATEST_TYPED.isoformat(),
            required="required",
        )
    )
    for area in AREAS:
        parts.append(f"<fieldset><legend>{e(area.title)}</legend>")
        for parameter in area.parameters:
            parts.append(_parameter_input(parameter, values, problems))
        parts.append("</fieldset>")
    parts.append(lifecycle.textarea(SLUG, RATIONALE_FIELD, values.get(RATIONALE, ""), problems))
    parts.append('<button type="submit">Publier cette version</button></form></section>')
    return "".join(parts)


def _parameter_input(
    parameter: Parameter,
    values: Mapping[str, str],
    problems: Mapping[str, str],
) -> str:
    name = parameter.path
    if parameter.integer:
        low, high = parameter.limits
        hint = f"En {parameter.unit}, entre {french.number(low)} et {french.number(high)}."
        return fields.field_input(
            SLUG, name, parameter.label, "number", values.get(name, ""), problems, hint,
            min=low, max=high, step=1, required="required",
        )  # fmt: skip
    if name == COUNTRIES:
        return fields.field_input(
            SLUG, name, parameter.label, "text", values.get(name, ""), problems,
            "Séparés par des espaces, en majuscules : FR GP MQ…", required="required",
        )  # fmt: skip
    if name == COUNTING:
        chosen = values.get(name, "")
        radios = "".join(
            f'<label class="choice"><input type="radio" name="{e(name)}" value="{e(key)}"'
            f"{' checked' if key == chosen else ''} required> {e(COUNTINGS[value])}</label>"
            for key, value in COUNTING_CHOICES.items()
        )
        return (
            f"<fieldset><legend>{e(parameter.label)}</legend>{radios}"
            f"{fields.field_error(SLUG, name, problems)}</fieldset>"
        )
    return policy_lists.editor(policy_lists.LISTS[name], values, problems, SLUG)
