"""Page « Politique du comité »: the version of the committee's parameters in force today
(or the one asked for, `/politique/<version>`), every parameter in French by area with its
source, what the version changed from the one before, and every version with its day (one
not yet in force is « à venir »). For the committee, the form « Publier une nouvelle
version » (policy.py), posted to `/politique`: a refusal redraws it with the reasons next to
the fields and the values typed kept. Read from PolicyService, which decides who may."""

from __future__ import annotations

from datetime import date

from aiohttp import web
from vigie.policy.v1 import policy_pb2 as pb

from services.common.clock import french_today
from services.common.identity import Caller, Role
from services.dashboard import access, french
from services.dashboard import policy as words
from services.dashboard.backends import BackendError, Backends
from services.dashboard.markup import e, notice_box, page, policy_url, table

READERS = frozenset(access.WATCHERS)
COMMITTEE = frozenset({Role.COMMITTEE})
TITLE = "Politique du comité"


async def policy_page(request: web.Request) -> web.Response:
    return await render(request, None, None)


async def version_page(request: web.Request) -> web.Response:
    try:
        version = int(request.match_info["version"])
    except ValueError:
        version = -1
    return await render(request, version, None)


async def publish(request: web.Request) -> web.Response:
    caller: Caller = request["caller"]
    # Refused before anything is read: only the committee publishes (PolicyService says so
    # too, on every call).
    access.require_role(caller, COMMITTEE, "Seul le comité du label publie sa politique.")
    backends: Backends = request.app["backends"]
    values = words.typed_values(await request.post())
    listed = await backends.call(
        "policy", "ListPolicies", pb.ListPoliciesRequest(), request["token"]
    )
    latest = listed.policies[-1].policy
    try:
        publication = words.request_of(latest, values)
    except ValueError as unreadable:
        return await render(request, None, words.unreadable(values, str(unreadable)))
    try:
        published = await backends.call(
            "policy", "PublishPolicy", publication, request["token"], language="fr"
        )
    except BackendError as error:
        if error.unreachable:
            raise
        return await render(request, None, words.refused(values, error))
    raise web.HTTPSeeOther(f"{policy_url(published.policy.version)}?fait=publication")


async def render(
    request: web.Request, version: int | None, attempt: words.Attempt | None
) -> web.Response:
    caller: Caller = request["caller"]
    access.require_role(
        caller,
        READERS,
        "La politique du comité est ouverte au comité, aux donneurs d'ordre et aux centres.",
    )
    backends: Backends = request.app["backends"]
    try:
        listed = await backends.call(
            "policy", "ListPolicies", pb.ListPoliciesRequest(), request["token"]
        )
    except BackendError as error:
        return _html(page(TITLE, notice_box(error.message), caller), 503)
    policies = list(listed.policies)
    today = french_today()
    current = words.in_force(policies, today)
    if version is None:
        shown = current
    else:
        shown = next((p for p in policies if p.policy.version == version), None)
        if shown is None:
            body = notice_box("Cette version de la politique n'existe pas.")
            return _html(page(TITLE, body, caller), 404)
    parts = []
    if request.query.get("fait") == "publication":
        parts.append(notice_box(f"La version {shown.policy.version} est publiée.", "info"))
    parts.append(version_section(shown, current, policies, today))
    parts.append(versions_section(policies, shown, current, today))
    if caller.role is Role.COMMITTEE:
        latest = policies[-1].policy
        values = attempt.values if attempt else words.values_of(latest, today)
        parts.append(words.form(latest, values, attempt, today))
    status = attempt.status if attempt else 200
    return _html(page(TITLE, "".join(parts), caller), status)


def version_section(
    shown: pb.PublishedPolicy,
    current: pb.PublishedPolicy,
    policies: list[pb.PublishedPolicy],
    today: date,
) -> str:
    policy = shown.policy
    status = _status(shown, current, today)
    title = f"Version {policy.version}" + (" : paramètres par défaut" if not policy.version else "")
    facts = [f"<li>{e(words.effective_text(policy))} ({e(status)})</li>"]
    if shown.published_by:
        facts.append(
            f"<li>Publiée par {e(shown.published_by)} le "
            f"{e(french.moment(shown.published_at))}</li>"
        )
    else:
        facts.append(
            "<li>Paramètres intégrés à Vigie, appliqués tant que le comité n'a "
            "publié aucune version</li>"
        )
    rationale = (
        f'<blockquote class="rationale">{e(shown.rationale)}</blockquote>'
        if shown.rationale
        else ""
    )
    areas = "".join(
        f'<section class="policy-area" id="{e(area.key)}"><h3>{e(area.title)}</h3>'
        f'<p class="reference"><span>Source :</span> {e(area.source)}</p>'
        + table(
            ["Paramètre", "Valeur"],
            [[e(p.label), _value(p.text(policy))] for p in area.parameters],
            "policy-parameters",
        )
        + "</section>"
        for area in words.AREAS
    )
    return (
        f'<section class="policy-version" data-version="{policy.version}">'
        f'<h2>{e(title)}</h2><ul class="facts">{"".join(facts)}</ul>{rationale}'
        f"{changes_section(policy, policies)}{areas}</section>"
    )


def changes_section(policy: pb.CommitteePolicy, policies: list[pb.PublishedPolicy]) -> str:
    if not policy.version:
        return ""
    before = next((p.policy for p in policies if p.policy.version == policy.version - 1), None)
    if before is None:
        return ""
    changes = words.differences(before, policy)
    heading = f"<h3>Changements par rapport à la version {before.version}</h3>"
    if not changes:
        return (
            f'<section class="policy-changes">{heading}<p>Aucun paramètre ne change.</p></section>'
        )
    rows = [[e(c.label), e(c.before), e(c.after)] for c in changes]
    return (
        f'<section class="policy-changes">{heading}'
        + table(["Paramètre", "Avant", "Désormais"], rows, "policy-changes")
        + "</section>"
    )


def versions_section(
    policies: list[pb.PublishedPolicy],
    shown: pb.PublishedPolicy,
    current: pb.PublishedPolicy,
    today: date,
) -> str:
    rows = []
    for published in reversed(policies):
        version = published.policy.version
        label = f"Version {version}" + (" (paramètres par défaut)" if not version else "")
        link = (
            e(label)
            if version == shown.policy.version
            else f'<a href="{e(policy_url(version))}">{e(label)}</a>'
        )
        rows.append(
            [
                link,
                e(words.effective_text(published.policy)),
                e(_status(published, current, today)),
                e(french.moment(published.published_at) if published.published_by else "—"),
            ]
        )
    return (
        '<section class="policy-versions"><h2>Toutes les versions</h2>'
        + table(["Version", "Entrée en vigueur", "Statut", "Publiée le"], rows, "policy-versions")
        + "</section>"
    )


def _value(text: str) -> str:
    """A list (the SMIC amounts, the schedule's bands) one item a line."""
    items = text.split(" ; ")
    if len(items) == 1:
        return e(text)
    return "<ul>" + "".join(f"<li>{e(item)}</li>" for item in items) + "</ul>"


def _status(published: pb.PublishedPolicy, current: pb.PublishedPolicy, today: date) -> str:
    if published.policy.version == current.policy.version:
        return "en vigueur"
    if words.effective(published.policy) > today:
        return "à venir"
    return "remplacée"


def _html(html: str, status: int) -> web.Response:
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
