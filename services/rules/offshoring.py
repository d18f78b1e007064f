"""Offshoring: onshore volume that leaves while offshore volume grows, and the contracts and
tenders that open the door to it.

Source: offshoring is the sector's standing fear (design map §1): volume that leaves onshore
centres while it grows at offshore sites of the same ordering party, or of the same
outsourcer, is an offshoring alert for the label committee and for the centres whose jobs are
at stake. The label's text has no offshoring clause: these rules and their thresholds are the
committee's, grounded in the ordering parties' commitments of the Label Responsabilité Sociale
(sources/004, §3): the 1st, a preference for labelled centres on perennial work, which a move
to offshore sites outside the label's reach empties; and the 2nd, no purchasing practices that
do not reflect social responsibility.

- `offshoring_shift`: per key (an ordering party, or an outsourcer), the handled volume by site
  country over two windows of `window_weeks` ISO weeks, the latest ending on the week checked
  and the one just before it. Onshore volume that fell by at least `min_shift_percent` of its
  earlier level while offshore volume rose by at least `comparable_ratio` times that fall is a
  shift. A week with no record counts as no volume: check a week once its figures are in.
- `offshoring_drift`: the same comparison between the window ending on the week checked and
  the one `drift_windows` windows earlier (24 weeks by default): a move spread thin enough
  (6 % a window) to pass every adjacent comparison still adds up. It is judged only for weeks
  the shift rule leaves alone, so one movement is never reported twice.
- `offshore_amendment`: an amendment that adds a site in a country outside the onshore set.
- `offshore_allowed_perennial`: a perennial tender that allows sites outside it (a tender
  that names no country allows any).
Countries are ISO 3166-1 alpha-2 codes, compared in upper case. The onshore set is a
parameter: by default France and its overseas departments and regions (Guadeloupe, Martinique,
French Guiana, Réunion, Mayotte: GP, MQ, GF, RE, YT), which have codes of their own but where
French labour law, the label and its committee apply as in mainland France (Constitution,
art. 73): a call centre in Saint-Denis de La Réunion is onshore.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from services.rules.calendar import add_weeks, week_label, week_start
from services.rules.figures import percent_of, percent_text
from services.rules.findings import Breach, Severity
from services.rules.purchasing import ActivityType
from services.rules.wording import Argument, Text, text

# The committee's rule and the label's commitments it rests on (module docstring).
COMMITTEE_RULE = text("reference-offshoring-committee")
REFERENCES = {
    "offshoring_shift": COMMITTEE_RULE,
    "offshoring_drift": COMMITTEE_RULE,
    "offshore_amendment": COMMITTEE_RULE,
    "offshore_allowed_perennial": COMMITTEE_RULE,
}


def _country(code: str) -> str:
    return code.strip().upper()


def _countries(codes: Iterable[str]) -> set[str]:
    """Upper-case codes; blanks dropped."""
    return {_country(c) for c in codes if c.strip()}


@dataclass(frozen=True)
class CountryVolume:
    """Handled volume of one key in one site country over one ISO week."""

    key: str  # an ordering party id, or an outsourcer's (centre) id
    country: str  # ISO 3166-1 alpha-2
    year: int  # ISO year
    week: int  # ISO week
    handled: int

    def __post_init__(self) -> None:
        week_start(self.year, self.week)  # ValueError for a week the year does not have
        if not self.country.strip():
            raise ValueError("a country is needed")
        if self.handled < 0:
            raise ValueError("volumes must not be negative")


# France and its overseas departments and regions (départements et régions d'outre-mer).
FRANCE = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT"})


@dataclass(frozen=True)
class OffshoringPolicy:
    onshore: frozenset[str] = FRANCE
    window_weeks: int = 4
    # The onshore fall, in percent of the earlier window's onshore volume, that counts.
    min_shift_percent: Decimal = Decimal("10")
    # The offshore rise that makes the fall a shift, as a share of the onshore fall.
    comparable_ratio: Decimal = Decimal("0.5")
    # How many windows back the drift rule compares with (0: no drift rule).
    drift_windows: int = 6

    def __post_init__(self) -> None:
        object.__setattr__(self, "onshore", frozenset(_countries(self.onshore)))
        if not self.onshore:
            raise ValueError("at least one onshore country is needed")
        if self.window_weeks < 1:
            raise ValueError("window_weeks must be at least 1")
        shift = self.min_shift_percent
        if not (shift.is_finite() and 0 < shift <= 100):
            raise ValueError("min_shift_percent must be above 0 and at most 100")
        if not (self.comparable_ratio.is_finite() and self.comparable_ratio > 0):
            raise ValueError("comparable_ratio must be a number above 0")
        if self.drift_windows == 1 or self.drift_windows < 0:
            raise ValueError("drift_windows must be 0 (no drift rule) or at least 2")


DEFAULT_POLICY = OffshoringPolicy()


def offshoring_shift(
    history: Sequence[CountryVolume],
    key: str,
    year: int,
    week: int,
    policy: OffshoringPolicy = DEFAULT_POLICY,
) -> Breach | None:
    """A SERIOUS breach when, for `key`, the window ending at (year, week) shows onshore
    volume fallen and offshore volume risen against the window before (module docstring):
    onshore before > 0, fall >= min_shift_percent % of it, offshore rise >= comparable_ratio ×
    fall. Both limits are inclusive. Records of other keys and other weeks are ignored; records
    of the same key, country and week add up (several sites in one country)."""
    return _compare(history, key, year, week, policy, 1)


def offshoring_drift(
    history: Sequence[CountryVolume],
    key: str,
    year: int,
    week: int,
    policy: OffshoringPolicy = DEFAULT_POLICY,
) -> Breach | None:
    """The shift's test against the window `drift_windows` windows before the one ending at
    (year, week), rather than the one just before it (module docstring); None when the policy
    has no drift rule."""
    if not policy.drift_windows:
        return None
    return _compare(history, key, year, week, policy, policy.drift_windows)


def _compare(
    history: Sequence[CountryVolume],
    key: str,
    year: int,
    week: int,
    policy: OffshoringPolicy,
    windows_back: int,
) -> Breach | None:
    n = policy.window_weeks
    gap = windows_back * n  # weeks from the later window's end to the earlier one's
    after = {add_weeks(year, week, -i) for i in range(n)}
    before = {add_weeks(year, week, -gap - i) for i in range(n)}
    volumes: dict[tuple[bool, bool], int] = {}  # (onshore, after) -> handled
    by_country: dict[str, list[int]] = {}  # country -> [before, after]
    for record in history:
        at = (record.year, record.week)
        if record.key != key or (at not in after and at not in before):
            continue
        country = _country(record.country)
        late = at in after
        slot = (country in policy.onshore, late)
        volumes[slot] = volumes.get(slot, 0) + record.handled
        by_country.setdefault(country, [0, 0])[int(late)] += record.handled
    on_before, on_after = volumes.get((True, False), 0), volumes.get((True, True), 0)
    off_before, off_after = volumes.get((False, False), 0), volumes.get((False, True), 0)
    fall, rise = on_before - on_after, off_after - off_before
    if on_before == 0 or fall <= 0 or rise <= 0:
        return None
    if fall * 100 < policy.min_shift_percent * on_before or rise < policy.comparable_ratio * fall:
        return None
    fall_percent = percent_of(Decimal(fall), Decimal(on_before))
    risers = sorted(c for c, (b, a) in by_country.items() if c not in policy.onshore and a > b)
    first_after, first_before = add_weeks(year, week, 1 - n), add_weeks(year, week, 1 - gap - n)
    last_before = add_weeks(year, week, -gap)
    window_after = f"{week_label(*first_after)} to {week_label(year, week)}"
    window_before = f"{week_label(*first_before)} to {week_label(*last_before)}"
    onshore = ",".join(sorted(policy.onshore))
    rule = "offshoring_shift" if windows_back == 1 else "offshoring_drift"
    figures: dict[str, Argument] = {
        "key": key,
        "after": _window(first_after, (year, week), n),
        "before": _window(first_before, last_before, n),
        "fall_percent": fall_percent,
        "rise": rise,
        "countries": tuple(risers),
    }
    details: dict[str, Argument] = {
        **figures,
        "onshore_after": on_after,
        "onshore_before": on_before,
        "offshore_after": off_after,
        "offshore_before": off_before,
        "fall": fall,
        "where": _where(policy),
        "min_shift": policy.min_shift_percent,
        "ratio": policy.comparable_ratio,
    }
    if windows_back == 1:
        explanation = text("offshoring-shift-explanation", **details)
    else:  # a drift says how many weeks it spread over, from the earlier window's first
        explanation = text("offshoring-drift-explanation", span=gap + n, **details)
    return Breach(
        rule=rule,
        severity=Severity.SERIOUS,
        subject=f"{key}|{week_label(year, week)}",
        summary=text("offshoring-movement-summary", **figures),
        explanation=explanation,
        reference=REFERENCES[rule],
        evidence={
            "key": key,
            "window_before": window_before,
            "window_after": window_after,
            "onshore_before": on_before,
            "onshore_after": on_after,
            "offshore_before": off_before,
            "offshore_after": off_after,
            "onshore_fall_percent": percent_text(fall_percent),
            "offshore_rise": rise,
            "countries": ",".join(sorted(by_country)),
            "offshore_countries_rising": ",".join(risers),
            "onshore_countries": onshore,
            "min_shift_percent": percent_text(policy.min_shift_percent),
            "weeks_between_windows": gap,
            "comparable_ratio": percent_text(policy.comparable_ratio),
        },
    )


def _window(first: tuple[int, int], last: tuple[int, int], weeks: int) -> Text:
    """A window of ISO weeks as a reader names it: "les semaines 2026-W07 à 2026-W10"."""
    return text("offshoring-window", first=week_label(*first), last=week_label(*last), weeks=weeks)


def _where(policy: OffshoringPolicy) -> Text | tuple[str, ...]:
    """The onshore set as a reader names it: France, or its countries' codes."""
    if policy.onshore == FRANCE:
        return text("offshoring-onshore-france")
    return _onshore(policy)


def _onshore(policy: OffshoringPolicy) -> tuple[str, ...]:
    return tuple(sorted(policy.onshore))


def offshore_amendment(
    contract_id: str,
    before_countries: Iterable[str],
    after_countries: Iterable[str],
    policy: OffshoringPolicy = DEFAULT_POLICY,
) -> Breach | None:
    """A WARNING when an amendment gives the contract a site in a country outside the onshore
    set that it had no site in before. Its subject, "contract id|added countries" (sorted,
    comma-joined: "c-1|MA,TN"), is the same however often the amendment is seen."""
    before, after = _countries(before_countries), _countries(after_countries)
    added = sorted(after - before - policy.onshore)
    if not added:
        return None
    dropped = sorted((before - after) & policy.onshore)
    about = {"contract": contract_id, "countries": tuple(added), "onshore": _onshore(policy)}
    if dropped:
        explanation = text("offshoring-amendment-moving-explanation", dropped=dropped, **about)
    else:
        explanation = text("offshoring-amendment-explanation", **about)
    return Breach(
        rule="offshore_amendment",
        severity=Severity.WARNING,
        subject=f"{contract_id}|{','.join(added)}",
        summary=text("offshoring-amendment-summary", contract=contract_id, countries=added),
        explanation=explanation,
        reference=REFERENCES["offshore_amendment"],
        evidence={
            "contract_id": contract_id,
            "countries_before": ",".join(sorted(before)),
            "countries_after": ",".join(sorted(after)),
            "added_offshore": ",".join(added),
            "dropped_onshore": ",".join(dropped),
        },
    )


def offshore_allowed_perennial(
    tender_id: str,
    activity_type: ActivityType,
    allowed_countries: Iterable[str],
    policy: OffshoringPolicy = DEFAULT_POLICY,
) -> Breach | None:
    """An INFO when a perennial tender allows sites outside the onshore set; a tender that
    names no country allows any, and counts. Campaign and punctual tenders are not concerned.
    The subject is the tender id: a tender has one such finding, updated if its terms change.
    """
    if activity_type != ActivityType.PERENNIAL:
        return None
    allowed = _countries(allowed_countries)
    offshore = sorted(allowed - policy.onshore)
    if allowed and not offshore:
        return None
    if allowed:
        summary = text("offshoring-perennial-summary", tender=tender_id, countries=offshore)
        explanation = text(
            "offshoring-perennial-explanation",
            tender=tender_id,
            countries=offshore,
            onshore=_onshore(policy),
        )
    else:
        summary = text("offshoring-perennial-any-summary", tender=tender_id)
        explanation = text(
            "offshoring-perennial-any-explanation", tender=tender_id, onshore=_onshore(policy)
        )
    return Breach(
        rule="offshore_allowed_perennial",
        severity=Severity.INFO,
        subject=tender_id,
        summary=summary,
        explanation=explanation,
        reference=REFERENCES["offshore_allowed_perennial"],
        evidence={
            "tender_id": tender_id,
            "allowed_countries": ",".join(sorted(allowed)) if allowed else "any",
            "offshore_countries": ",".join(offshore) if allowed else "any",
        },
    )
