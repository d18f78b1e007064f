"""Page « Centres »: each centre's label (status, validity, suspension and deadline to
remedy), its sites by country, and the alerts addressed to it: every centre's for the
committee, a centre's own for that centre, none for an ordering party (NoticeService would
refuse them). `/centres/{id}` is one centre with all its alerts."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from aiohttp import web
from google.type.date_pb2 import Date
from vigie.labels.v1 import labels_pb2 as lpb
from vigie.notices.v1 import notices_pb2 as npb

from services.common.identity import Caller, Role
from services.dashboard import access, french
from services.dashboard.backends import BackendError, Backends
from services.dashboard.markup import e, notice_box, page

# The alert stream never ends: its replay is over once it has been quiet this long.
ALERTS_QUIET = 0.3
# Beyond this many centres, the list leaves the alerts to each centre's own page.
ALERTS_ON_LIST = 30
ALERTS_SHOWN = 10
STATUS_CSS = {
    lpb.LABEL_STATUS_GRANTED: "granted",
    lpb.LABEL_STATUS_SUSPENDED: "suspended",
    lpb.LABEL_STATUS_WITHDRAWN: "withdrawn",
    lpb.LABEL_STATUS_EXPIRED: "expired",
}


async def centres_page(request: web.Request) -> web.Response:
    caller, token = request["caller"], request["token"]
    backends: Backends = request.app["backends"]
    wanted = _filters(request.query)
    try:
        listed = await backends.call("labels", "ListCentres", wanted, token)
        centres = sorted(listed.centres, key=lambda c: c.name.lower())
    except BackendError as error:
        html = page("Centres", notice_box(error.message), caller)
        return web.Response(text=html, content_type="text/html", charset="utf-8")
    if caller.role is Role.CENTRE:
        centres = [c for c in centres if c.centre_id == caller.organisation_id]

    with_alerts = [c for c in centres if access.sees_alerts_of(caller, c.centre_id)]
    alerts = await _alerts(backends, token, with_alerts[:ALERTS_ON_LIST])
    cards = "".join(
        centre_card(c, caller, alerts.get(c.centre_id), ALERTS_SHOWN, link=True) for c in centres
    )
    intro = (
        f"<p>{e(french.number(len(centres)))} centre{'s' if len(centres) > 1 else ''}."
        + (
            " Les alertes adressées aux centres ne sont visibles que du comité et du centre"
            " lui-même."
            if caller.role is Role.ORDERING_PARTY
            else ""
        )
        + "</p>"
    )
    empty = '<p class="empty">Aucun centre enregistré.</p>' if not centres else ""
    body = filters_form(wanted) + intro + empty + f'<div class="centres">{cards}</div>'
    html = page("Centres", body, caller)
    return web.Response(text=html, content_type="text/html", charset="utf-8")


def _filters(query) -> lpb.ListCentresRequest:
    """Label status and country, as ListCentres takes them; unknown values are dropped."""
    status = query.get("statut", "")
    country = query.get("pays", "").strip().upper()
    return lpb.ListCentresRequest(
        label_status=int(status) if status.isdigit() and int(status) in STATUS_CSS else 0,
        country=country if len(country) == 2 and country.isalpha() else "",
    )


def filters_form(wanted: lpb.ListCentresRequest) -> str:
    statuses = {0: "tous", **{k: french.LABEL_STATUSES[k] for k in STATUS_CSS}}
    options = "".join(
        f'<option value="{value or ""}"{" selected" if value == wanted.label_status else ""}>'
        f"{e(text)}</option>"
        for value, text in statuses.items()
    )
    return (
        '<form class="filters" method="get" action="/centres">'
        f'<label>Label <select name="statut">{options}</select></label>'
        '<label>Pays d\'un site (code ISO) <input type="text" name="pays" maxlength="2" '
        f'size="3" value="{e(wanted.country)}" placeholder="FR"></label>'
        '<button type="submit">Filtrer</button> <a href="/centres">Tout afficher</a></form>'
    )


async def centre_page(request: web.Request) -> web.Response:
    caller, token = request["caller"], request["token"]
    centre_id = request.match_info["centre_id"]
    if caller.role is Role.CENTRE and caller.organisation_id != centre_id:
        raise access.forbidden(caller, "Cette page est celle d'un autre centre.")
    backends: Backends = request.app["backends"]
    try:
        centre = await backends.call(
            "labels", "GetCentre", lpb.GetCentreRequest(centre_id=centre_id), token
        )
    except BackendError as error:
        status = 404 if error.code.name == "NOT_FOUND" else 200
        html = page("Centre", notice_box(error.message), caller)
        return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
    alerts = await _alerts(
        backends, token, [centre] if access.sees_alerts_of(caller, centre_id) else []
    )
    card = centre_card(centre, caller, alerts.get(centre_id), limit=None, link=False)
    html = page(centre.name, card, caller)
    return web.Response(text=html, content_type="text/html", charset="utf-8")


def centre_card(
    centre: lpb.Centre,
    caller: Caller,
    alerts: list[npb.Alert] | BackendError | None,
    limit: int | None,
    link: bool,
) -> str:
    # On its own page, the page's title names the centre.
    title = (
        f'<h2><a href="/centres/{e(centre.centre_id)}">{e(centre.name)}</a></h2>' if link else ""
    )
    kind = french.CENTRE_KINDS.get(centre.kind, "")
    if centre.owner_ordering_party_id:
        kind += f" (appartient à {centre.owner_ordering_party_id})"
    return (
        f'<article class="centre" data-centre-id="{e(centre.centre_id)}">{title}'
        f'<p class="subtitle"><code>{e(centre.centre_id)}</code> · {e(kind)}</p>'
        f"{label_html(centre.label)}{sites_html(centre.sites)}"
        f"{alerts_html(centre, caller, alerts, limit)}"
        "</article>"
    )


def label_html(label: lpb.Label) -> str:
    status = french.LABEL_STATUSES.get(label.status, "Inconnu")
    css = STATUS_CSS.get(label.status, "none")
    lines = []
    if label.status in (lpb.LABEL_STATUS_GRANTED, lpb.LABEL_STATUS_SUSPENDED):
        lines.append(f"Valide du {_day(label.valid_from)} au {_day(label.valid_until)}")
    elif label.status == lpb.LABEL_STATUS_EXPIRED:
        lines.append(f"Expiré le {_day(label.valid_until)}")
    if label.reason:
        lines.append(f"Motif : {label.reason}")
    if label.HasField("remedy_deadline") and label.remedy_deadline.year:
        lines.append(f"À corriger avant le {_day(label.remedy_deadline)}")
    details = "".join(f"<li>{e(line)}</li>" for line in lines)
    return (
        f'<div class="label"><span class="badge label-{css}">{e(status)}</span>'
        f"<ul>{details}</ul></div>"
    )


def sites_html(sites) -> str:
    by_country: dict[str, list] = defaultdict(list)
    for site in sites:
        by_country[site.country].append(site)
    rows = "".join(
        f"<li><strong>{e(french.country(country))}</strong> ({len(found)}) : "
        + ", ".join(
            e(s.name) + (f" ({e(s.city)})" if s.city else "")
            for s in sorted(found, key=lambda s: s.name)
        )
        + "</li>"
        for country, found in sorted(by_country.items(), key=lambda kv: (kv[0] != "FR", kv[0]))
    )
    return f'<div class="sites"><h3>Sites par pays</h3><ul>{rows}</ul></div>'


def alerts_html(
    centre: lpb.Centre,
    caller: Caller,
    alerts: list[npb.Alert] | BackendError | None,
    limit: int | None,
) -> str:
    if not access.sees_alerts_of(caller, centre.centre_id):
        return ""
    if alerts is None:
        return (
            '<div class="alerts"><h3>Alertes</h3><p><a href="/centres/'
            f'{e(centre.centre_id)}">Voir les alertes de ce centre</a></p></div>'
        )
    if isinstance(alerts, BackendError):
        return f'<div class="alerts"><h3>Alertes</h3>{notice_box(alerts.message)}</div>'
    if not alerts:
        return '<div class="alerts"><h3>Alertes</h3><p class="empty">Aucune alerte.</p></div>'
    newest = sorted(alerts, key=lambda a: a.cursor, reverse=True)
    shown = newest if limit is None else newest[:limit]
    items = "".join(
        f'<li class="alert kind-{a.kind}" data-cursor="{a.cursor}">'
        f"<time>{e(french.moment(a.created_at))}</time> "
        f'<span class="badge">{e(french.ALERT_KINDS.get(a.kind, "Alerte"))}</span> '
        f"{e(a.summary)}</li>"
        for a in shown
    )
    more = (
        f'<p><a href="/centres/{e(centre.centre_id)}">Les {len(newest)} alertes</a></p>'
        if len(shown) < len(newest)
        else ""
    )
    return f'<div class="alerts"><h3>Alertes ({len(newest)})</h3><ul>{items}</ul>{more}</div>'


async def _alerts(
    backends: Backends, token: str, centres: list[lpb.Centre]
) -> dict[str, list[npb.Alert] | BackendError]:
    """Each centre's alerts from the start of its stream (cursor 0), a few centres at once."""
    gate = asyncio.Semaphore(8)

    async def one(centre_id: str) -> list[npb.Alert] | BackendError:
        async with gate:
            request = npb.SubscribeAlertsRequest(centre_id=centre_id, after_cursor=0)
            try:
                return [
                    a
                    async for a in backends.read_for(
                        "notices", "SubscribeAlerts", request, token, ALERTS_QUIET
                    )
                ]
            except BackendError as error:
                return error

    found = await asyncio.gather(*(one(c.centre_id) for c in centres))
    return {c.centre_id: result for c, result in zip(centres, found, strict=True)}


def _day(value: Date) -> str:
    found = french.from_date(value)
    return french.day(found) if found else "—"
