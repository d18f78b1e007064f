"""French formats and words: dates, numbers, percentages, and the names of the domain's
codes as a committee member reads them."""

from __future__ import annotations

import gettext
from datetime import date, datetime

import pycountry
from google.protobuf.timestamp_pb2 import Timestamp
from google.type.date_pb2 import Date
from vigie.compliance.v1 import compliance_pb2 as cpb
from vigie.contracts.v1 import contracts_pb2 as kpb
from vigie.labels.v1 import labels_pb2 as lpb
from vigie.notices.v1 import notices_pb2 as npb

from services.common import wording
from services.common.clock import PARIS

# French typography: a narrow no-break space between thousands, a no-break space before %.
THOUSANDS = "\u202f"
NBSP = "\u00a0"

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
WEEKDAYS_SHORT = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")

# The finding types' names, from the catalogue (the checks and the dashboard say the same).
FINDING_TYPES = {
    value: wording.finding_type_name(name, "fr")
    for name, value in cpb.FindingType.items()
    if value != cpb.FINDING_TYPE_UNSPECIFIED
}
# Where a finding stands (its lifecycle in the compliance monitor).
STATES = {
    cpb.FINDING_STATE_OPEN: "Ouvert",
    cpb.FINDING_STATE_CONTESTED: "Contesté",
    cpb.FINDING_STATE_CONTEST_UPHELD: "Contestation admise",
    cpb.FINDING_STATE_CONTEST_DISMISSED: "Contestation rejetée",
    cpb.FINDING_STATE_REMEDIED: "Remédié (clos)",
    cpb.FINDING_STATE_WITHDRAWN: "Retiré (les données ne le montrent plus)",
}
# The same states as a filter of the findings list names them.
STATE_FILTERS = {
    cpb.FINDING_STATE_OPEN: "ouverts",
    cpb.FINDING_STATE_CONTESTED: "contestés (à statuer)",
    cpb.FINDING_STATE_CONTEST_DISMISSED: "contestation rejetée",
    cpb.FINDING_STATE_CONTEST_UPHELD: "contestation admise",
    cpb.FINDING_STATE_REMEDIED: "remédiés (clos)",
    cpb.FINDING_STATE_WITHDRAWN: "retirés",
}
# Who made a change, by role.
ACTORS = {
    "committee": "le comité du label",
    "ordering_party": "le donneur d'ordre",
    "centre": "le centre",
    "ops": "l'exploitation",
    "checks": "les contrôles automatiques",
}
SEVERITIES = {
    cpb.SEVERITY_INFO: "Information",
    cpb.SEVERITY_WARNING: "Avertissement",
    cpb.SEVERITY_SERIOUS: "Grave",
}
LABEL_STATUSES = {
    lpb.LABEL_STATUS_UNSPECIFIED: "Inconnu",
    lpb.LABEL_STATUS_NONE: "Non labellisé",
    lpb.LABEL_STATUS_GRANTED: "Labellisé",
    lpb.LABEL_STATUS_SUSPENDED: "Label suspendu",
    lpb.LABEL_STATUS_WITHDRAWN: "Label retiré",
    lpb.LABEL_STATUS_EXPIRED: "Label expiré",
}
CENTRE_KINDS = {
    lpb.CENTRE_KIND_INTEGRATED: "Centre intégré",
    lpb.CENTRE_KIND_OUTSOURCED: "Prestataire",
}
ALERT_KINDS = {
    npb.ALERT_KIND_NOTICE_RECEIVED: "Préavis reçu",
    npb.ALERT_KIND_NOTICE_BREACH: "Préavis trop court",
    npb.ALERT_KIND_LABEL_STATUS: "Statut du label",
    npb.ALERT_KIND_OFFSHORING: "Délocalisation",
}
LEAD_TIME_UNITS = {
    kpb.LEAD_TIME_UNIT_CALENDAR_DAYS: ("jour calendaire", "jours calendaires"),
    kpb.LEAD_TIME_UNIT_BUSINESS_DAYS: ("jour ouvré", "jours ouvrés"),
    kpb.LEAD_TIME_UNIT_CALENDAR_MONTHS: ("mois", "mois"),
}
# The unit as the findings' evidence spells it.
EVIDENCE_UNITS = {
    "calendar_days": kpb.LEAD_TIME_UNIT_CALENDAR_DAYS,
    "business_days": kpb.LEAD_TIME_UNIT_BUSINESS_DAYS,
    "calendar_months": kpb.LEAD_TIME_UNIT_CALENDAR_MONTHS,
}

# The evidence's figures (services/rules), named for the table of the finding page.
EVIDENCE_LABELS = {
    "notice_id": "Préavis",
    "change_percent": "Variation demandée (%)",
    "required": "Préavis exigé",
    "actual": "Préavis donné",
    "unit": "Unité",
    "shortfall_days": "Jours manquants",
    "below_agent_schedule_floor": "Sous le délai des plannings des conseillers",
    "observed": "Valeur constatée",
    "limit": "Limite",
    "winning_bid_id": "Offre retenue",
    "best_labelled_bid_id": "Meilleure offre labellisée",
    "price_gap_cents": "Écart de prix (centimes)",
    "price_gap_percent": "Écart de prix (%)",
    "bids": "Offres reçues",
    "contract_id": "Contrat",
    "week": "Semaine",
    "week_start": "Début de semaine",
    "handled": "Contacts traités",
    "offered": "Contacts offerts",
    "forecast": "Prévision",
    "plan": "Volume prévu (plan)",
    "gap_percent": "Écart au plan (%)",
    "tolerance_percent": "Tolérance (%)",
    "window_before": "Période avant",
    "window_after": "Période après",
    "onshore_before": "En France, avant",
    "onshore_after": "En France, après",
    "offshore_before": "Hors de France, avant",
    "offshore_after": "Hors de France, après",
    "onshore_fall_percent": "Baisse en France (%)",
    "offshore_rise": "Hausse hors de France",
    "countries": "Pays",
    "weekly_handled_by_site": "Contacts traités par site et par semaine",
    "weekly_handled_by_country": "Contacts traités par pays et par semaine",
    "key_kind": "Comparé pour",
    "onshore_centres": "Centres en France concernés",
    "onshore_countries": "Pays « en France »",
    "offshore_countries_rising": "Pays étrangers en hausse",
    "min_shift_percent": "Seuil de baisse (%)",
    "comparable_ratio": "Seuil de hausse (part de la baisse)",
    "key": "Donneur d'ordre ou prestataire",
    "direction": "Sens de l'erreur",
    "error_percent": "Erreur de prévision (%)",
    "band_percent": "Marge admise (%)",
    "weeks": "Semaines",
    "weeks_in_a_row": "Semaines consécutives exigées",
    "tender_id": "Appel d'offres",
    "allowed_countries": "Pays autorisés",
    "offshore_countries": "Pays étrangers autorisés",
}
EVIDENCE_VALUES = {
    "calendar_days": "jours calendaires",
    "business_days": "jours ouvrés",
    "calendar_months": "mois calendaires",
}

try:
    _countries = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
except OSError:  # a pycountry without its translations: the English names will do
    _countries = gettext.NullTranslations()


def number(value: float | int, decimals: int = 0) -> str:
    """1234567.891 → « 1 234 567,89 » (decimals=2)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", THOUSANDS).replace(".", ",")


def percent(value: float | None, decimals: int = 1, ratio: bool = False) -> str:
    """A percentage in French; `ratio` when the value is a share between 0 and 1."""
    if value is None:
        return "—"
    shown = value * 100 if ratio else value
    text = number(shown, decimals)
    if decimals and "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text}{NBSP}%"


def day(value: date) -> str:
    """25 novembre 2026 (1er for the first of the month)."""
    first = "1er" if value.day == 1 else str(value.day)
    return f"{first} {MONTHS[value.month - 1]} {value.year}"


def moment(value: datetime | Timestamp | None) -> str:
    """25/11/2026 à 16:42, Paris time."""
    when = as_datetime(value)
    if when is None:
        return "—"
    local = when.astimezone(PARIS)
    return f"{local:%d/%m/%Y} à {local:%H:%M}"


def as_datetime(value: datetime | Timestamp | None) -> datetime | None:
    if isinstance(value, Timestamp):
        if not (value.seconds or value.nanos):
            return None
        return value.ToDatetime(tzinfo=PARIS)
    return value


def from_date(value: Date) -> date | None:
    """A google.type.Date as a date; None when unset."""
    return date(value.year, value.month, value.day) if value.year else None


def month_title(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


def week(label: str) -> str:
    """'2026-W48' → 'sem. 48'."""
    _, _, number_ = label.partition("-W")
    return f"sem. {int(number_)}" if number_.isdigit() else label


def lead_time(count: int, unit: int) -> str:
    one, many = LEAD_TIME_UNITS.get(unit, ("jour", "jours"))
    return f"{number(count)} {one if count == 1 else many}"


def country(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code)
    return _countries.gettext(found.name) if found else code


def finding_type(value: int) -> str:
    return FINDING_TYPES.get(value, "Autre")


def state(value: int) -> str:
    return STATES.get(value, "Ouvert")


def actor(role: str, organisation: str) -> str:
    who = ACTORS.get(role, role)
    return f"{who} ({organisation})" if organisation else who


def severity(value: int) -> str:
    return SEVERITIES.get(value, "—")


def rule(rule_id: str) -> str:
    """A rule's title, from the catalogue."""
    return wording.rule_title(rule_id, "fr")
