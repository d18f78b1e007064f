"""Sign-in with the gRPC APIs' own identity: a bearer token (the one `vigie token` mints,
or the organisation's own), checked with the same key as the services and kept in an
HttpOnly cookie, then sent with every gRPC call the pages make."""

from __future__ import annotations

import time

import jwt
from aiohttp import web

from services.common import identity
from services.common.errors import Unauthenticated
from services.common.identity import Caller, Role
from services.dashboard.markup import party_url
from services.dashboard.settings import DashboardSettings

COOKIE = "vigie_session"


def caller_from(settings: DashboardSettings, token: str) -> Caller | None:
    """Who the token names, or None when it is missing, forged or expired."""
    if not token:
        return None
    try:
        return identity.verify(settings.token_key, token)
    except Unauthenticated:
        return None


def remember(response: web.StreamResponse, settings: DashboardSettings, token: str) -> None:
    """The cookie lives as long as the token: past its expiry, one signs in again."""
    expires = jwt.decode(token, options={"verify_signature": False}).get("exp", 0)
    response.set_cookie(
        COOKIE,
        token,
        max_age=max(int(expires - time.time()), 0),
        httponly=True,  # page scripts never see the token
        samesite="Strict",  # no request from another site carries it
        secure=settings.dashboard_secure_cookie,
        path="/",
    )


def forget(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path="/")


def home_of(caller: Caller) -> str:
    """Where a person lands after signing in: what its role is allowed to see first."""
    if caller.role is Role.ORDERING_PARTY:
        return party_url(caller.organisation_id)
    if caller.role is Role.CENTRE:
        return "/centres"
    return "/constats"


def safe_next(path: str | None) -> str | None:
    """Only a path of this site: a sign-in link must not send anyone elsewhere."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return None
