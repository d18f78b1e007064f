"""Page « Donneur d'ordre »: its scorecard for the current week (labelled share of perennial
volume, notice compliance rate, open findings by type, offshore share) and their evolution
week by week as charts, then its findings per week and its latest findings.

The scorecard comes from ComplianceMonitor.GetScorecard; while that is not served
(UNIMPLEMENTED) or unreachable, the page says so and still shows what ListFindings gives."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import grpc
from aiohttp import web
from vigie.compliance.v1 import compliance_pb2 as pb

from services.common.clock import PARIS, french_today
from services.dashboard import access, french
from services.dashboard.backends import BackendError
from services.dashboard.charts import Series, line_chart
from services.dashboard.findings import FindingQuery, newest_first, row
from services.dashboard.markup import e, notice_box, page, table

WEEKS = 12  # past weeks shown besides the current one
LATEST = 10


async def party_page(request: web.Request) -> web.Response:
    caller, token = request["caller"], request["token"]
    party_id = request.match_info["party_id"]
    access.require_party(caller, party_id)
    backends = request.app["backends"]

    try:
        scorecard = await backends.call(
            "compliance",
            "GetScorecard",
            pb.GetScorecardRequest(ordering_party_id=party_id, weeks=WEEKS),
            token,
        )
        scorecard_html = current_scorecard(scorecard.current) + evolution(scorecard.history)
    except BackendError as error:
        scorecard_html = scorecard_unavailable(error)

    today = french_today()
    since = _monday(today) - timedelta(weeks=WEEKS)
    try:
        listed = await backends.call(
            "compliance",
            "ListFindings",
            pb.ListFindingsRequest(
                filter=FindingQuery(party=party_id, since=since).to_filter(), limit=10_000
            ),
            token,
        )
        findings = newest_first(list(listed.findings))
        findings_html = findings_per_week(findings, today) + latest_findings(findings, party_id)
    except BackendError as error:
        findings_html = notice_box(error.message)

    body = (
        f'<p class="subtitle">Identifiant : <code>{e(party_id)}</code></p>'
        '<section class="scorecard"><h2>Tableau de bord</h2>'
        f"{scorecard_html}</section>"
        f'<section class="party-findings"><h2>Constats</h2>{findings_html}</section>'
    )
    html = page(f"Donneur d'ordre {party_id}", body, caller)
    return web.Response(text=html, content_type="text/html", charset="utf-8")


def scorecard_unavailable(error: BackendError) -> str:
    """A scorecard the service does not serve yet (UNIMPLEMENTED, or PERMISSION_DENIED from a
    role table without GetScorecard: the page has already checked who may see it) is not
    an outage: say which it is."""
    if error.code in (grpc.StatusCode.UNIMPLEMENTED, grpc.StatusCode.PERMISSION_DENIED):
        text = (
            "Le tableau de bord hebdomadaire n'est pas encore fourni par le service de "
            "conformité. Les constats ci-dessous sont, eux, à jour."
        )
    else:
        text = "Tableau de bord hebdomadaire indisponible. " + error.message
    return notice_box(f"{text} (GetScorecard : {error.code.name})", kind="warning")


def current_scorecard(card: pb.Scorecard) -> str:
    def share(field: str) -> float | None:
        return getattr(card, field) if card.HasField(field) else None

    tiles = [
        (
            "Volume pérenne traité par des centres labellisés",
            french.percent(share("labelled_perennial_share"), ratio=True),
            f"{french.number(card.labelled_perennial_contacts)} contacts sur "
            f"{french.number(card.perennial_contacts)}",
        ),
        (
            "Préavis respectant le délai convenu",
            french.percent(share("notice_compliance_rate"), ratio=True),
            f"{french.number(card.notices_on_time)} préavis sur {french.number(card.notices)}",
        ),
        (
            "Volume traité hors de France",
            french.percent(share("offshore_share"), ratio=True),
            f"{french.number(card.offshore_contacts)} contacts sur "
            f"{french.number(card.handled_contacts)}",
        ),
        (
            "Constats ouverts",
            french.number(sum(c.count for c in card.open_findings)),
            "au " + french.day(french_today()),
        ),
    ]
    tiles_html = "".join(
        f'<div class="tile"><div class="label">{e(label)}</div>'
        f'<div class="figure">{e(figure)}</div><div class="detail">{e(detail)}</div></div>'
        for label, figure, detail in tiles
    )
    by_type = table(
        ["Type de constat", "Ouverts"],
        [
            [e(french.finding_type(c.type)), e(french.number(c.count))]
            for c in sorted(card.open_findings, key=lambda c: -c.count)
        ],
        "open-findings",
    )
    week = f"Semaine en cours ({e(french.week(card.week))})" if card.week else ""
    return f'<p class="week">{week}</p><div class="tiles">{tiles_html}</div>{by_type}'


def evolution(history: list[pb.Scorecard]) -> str:
    """The shares and the open findings week by week, oldest first."""
    if not history:
        return '<p class="empty">Pas encore d\'historique hebdomadaire.</p>'
    labels = [french.week(card.week) for card in history]

    def shares(field: str) -> list[float | None]:
        return [getattr(c, field) * 100 if c.HasField(field) else None for c in history]

    rates = line_chart(
        "Engagements semaine par semaine (en %)",
        labels,
        [
            Series("Part labellisée du volume pérenne", shares("labelled_perennial_share")),
            Series("Préavis dans les délais", shares("notice_compliance_rate")),
            Series("Part du volume hors de France", shares("offshore_share")),
        ],
        value_text=lambda v: french.percent(v, 0),
        y_max=100,
    )
    open_findings = line_chart(
        "Constats ouverts en fin de semaine",
        labels,
        [
            Series(
                "Constats ouverts", [sum(c.count for c in card.open_findings) for card in history]
            )
        ],
    )
    return f'<div class="charts">{rates}{open_findings}</div>'


def findings_per_week(findings: list[pb.Finding], today: date) -> str:
    """How many findings were recorded each ISO week, over the same weeks as the scorecard."""
    weeks = [_monday(today) - timedelta(weeks=n) for n in range(WEEKS, -1, -1)]
    counts = Counter(_monday(f.recorded_at.ToDatetime(tzinfo=PARIS).date()) for f in findings)
    labels = [f"sem. {monday.isocalendar().week}" for monday in weeks]
    chart = line_chart(
        "Constats enregistrés par semaine",
        labels,
        [Series("Constats enregistrés", [counts.get(monday, 0) for monday in weeks])],
    )
    by_type = Counter(f.type for f in findings)
    still_open = Counter(f.type for f in findings if not f.closed_at.seconds)
    if not findings:
        return f'<div class="charts">{chart}</div>'
    types = table(
        ["Type de constat", "Enregistrés", "Encore ouverts"],
        [
            [e(french.finding_type(t)), e(french.number(n)), e(french.number(still_open[t]))]
            for t, n in by_type.most_common()
        ],
        "findings-by-type",
    )
    return f'<div class="charts">{chart}</div>{types}'


def latest_findings(findings: list[pb.Finding], party_id: str) -> str:
    if not findings:
        return '<p class="empty">Aucun constat sur la période.</p>'
    link = "/constats?" + FindingQuery(party=party_id).query_string()
    rows = "".join(row(f) for f in findings[:LATEST])
    return (
        f'<h3>Derniers constats</h3><ol class="findings">{rows}</ol>'
        f'<p><a href="{e(link)}">Tous ses constats, en direct</a></p>'
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
