"""Page « Constats en direct »: the findings, newest first, each with where it stands, with
filters (the contested ones: those the committee has to rule on); the live feed (feed.py)
adds new ones without a reload."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web
from vigie.compliance.v1 import compliance_pb2 as pb

from services.common.identity import Role
from services.dashboard import access, french
from services.dashboard.backends import BackendError
from services.dashboard.findings import PAGE_LIMIT, FindingQuery, newest_first, row
from services.dashboard.markup import e, notice_box, page


async def findings_page(request: web.Request) -> web.Response:
    caller, token = request["caller"], request["token"]
    access.require_findings(caller)
    query = access.scoped(caller, FindingQuery.from_query(request.query))

    problem, findings = "", []
    try:
        listed = await request.app["backends"].call(
            "compliance",
            "ListFindings",
            pb.ListFindingsRequest(filter=query.to_filter(), limit=PAGE_LIMIT, newest_first=True),
            token,
        )
        findings = newest_first(list(listed.findings))
    except BackendError as error:
        problem = notice_box(error.message + " Les nouveaux constats s'afficheront dès son retour.")
    # The feed replays from the newest finding shown (the browser drops the one it has).
    latest = findings[0].recorded_at.ToJsonString() if findings else ""
    resume = "&" + urlencode({"apres": latest}) if latest else ""
    feed = "/flux/constats?" + query.query_string() + resume
    rows = "".join(row(f, access.sees_party_page(caller, f.ordering_party_id)) for f in findings)
    empty = "" if findings else '<p class="empty" id="findings-empty">Aucun constat.</p>'
    body = (
        _filters(query, caller.role is Role.COMMITTEE, findings)
        + problem
        + '<p id="live-status" class="live waiting" role="status">Connexion au flux…</p>'
        + '<p class="count">Constats affichés : '
        + f'<span id="findings-count">{e(french.number(len(findings)))}</span></p>'
        + empty
        + f'<ol id="findings" class="findings" data-feed="{e(feed)}">{rows}</ol>'
    )
    html = page("Constats en direct", body, caller, scripts=("/static/live.js",))
    return web.Response(text=html, content_type="text/html", charset="utf-8")


def _filters(query: FindingQuery, any_party: bool, findings: list[pb.Finding]) -> str:
    parties = sorted({f.ordering_party_id for f in findings} | ({query.party} - {""}))
    options = "".join(f'<option value="{e(p)}">' for p in parties)
    party = (
        '<label>Donneur d\'ordre <input type="text" name="donneur" list="parties" '
        f'value="{e(query.party)}" placeholder="tous"></label>'
        f'<datalist id="parties">{options}</datalist>'
        if any_party
        else ""
    )
    return (
        '<form class="filters" method="get" action="/constats">'
        + party
        + '<label>Type <select name="type">'
        + _options({0: "tous les types", **french.FINDING_TYPES}, query.type)
        + "</select></label>"
        + '<label>Gravité minimale <select name="gravite">'
        + _options({0: "toutes", **french.SEVERITIES}, query.severity)
        + "</select></label>"
        + '<label>État <select name="etat">'
        + _options({0: "tous les états", **french.STATE_FILTERS}, query.state)
        + "</select></label>"
        + '<label>Depuis le <input type="date" name="depuis" '
        + f'value="{e(query.since.isoformat() if query.since else "")}"></label>'
        + '<button type="submit">Filtrer</button> <a href="/constats">Tout afficher</a>'
        + "</form>"
    )


def _options(choices: dict[int, str], selected: int) -> str:
    return "".join(
        f'<option value="{value or ""}"{" selected" if value == selected else ""}>{e(text)}'
        "</option>"
        for value, text in choices.items()
    )
