"""Who may open which page. The gRPC services enforce the same rules on every call; the
dashboard checks first so that a forbidden page answers 403 with no data at all, rather than
a page half-filled before a backend refuses."""

from __future__ import annotations

from dataclasses import replace

from aiohttp import web

from services.common.identity import Caller, Role
from services.dashboard.findings import FindingQuery
from services.dashboard.markup import notice_box, page

# Each sees the findings ComplianceMonitor shows it: the committee every one, an ordering
# party its own, a centre those about it (which it may contest).
WATCHERS = (Role.COMMITTEE, Role.ORDERING_PARTY, Role.CENTRE)


def forbidden(caller: Caller, why: str) -> web.HTTPForbidden:
    body = notice_box(why) + '<p><a href="/">Revenir à l\'accueil</a></p>'
    return web.HTTPForbidden(text=page("Accès refusé", body, caller), content_type="text/html")


def require_findings(caller: Caller) -> None:
    if caller.role not in WATCHERS:
        raise forbidden(
            caller,
            "Les constats sont réservés au comité du label, aux donneurs d'ordre et aux "
            "centres concernés.",
        )


def require_role(caller: Caller, roles: frozenset[Role], why: str) -> None:
    if caller.role not in roles:
        raise forbidden(caller, why)


def require_party(caller: Caller, party_id: str) -> None:
    """The committee sees every ordering party; an ordering party only itself."""
    if caller.role is Role.COMMITTEE:
        return
    if caller.role is Role.ORDERING_PARTY and caller.organisation_id == party_id:
        return
    raise forbidden(caller, "Cette page est celle d'un autre donneur d'ordre.")


def sees_party_page(caller: Caller, party_id: str) -> bool:
    """Whether a link to the ordering party's page leads anywhere for this reader."""
    return caller.role is Role.COMMITTEE or (
        caller.role is Role.ORDERING_PARTY and caller.organisation_id == party_id
    )


def sees_alerts_of(caller: Caller, centre_id: str) -> bool:
    """The committee reads every centre's alerts; a centre only its own."""
    return caller.role is Role.COMMITTEE or (
        caller.role is Role.CENTRE and caller.organisation_id == centre_id
    )


def scoped(caller: Caller, query: FindingQuery) -> FindingQuery:
    """An ordering party's findings filters always name itself; naming another party is
    refused outright, rather than quietly showing its own findings instead."""
    if caller.role is not Role.ORDERING_PARTY:
        return query
    if query.party and query.party != caller.organisation_id:
        raise forbidden(caller, "Ces constats sont ceux d'un autre donneur d'ordre.")
    return replace(query, party=caller.organisation_id)
