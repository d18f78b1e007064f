"""Who is calling: every call carries a signed bearer token (HS256 JWT) naming a role and an
organisation. Services check the role per method and the organisation per resource."""

from __future__ import annotations

import contextvars
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import jwt

from services.common.errors import QUOTE_CHARS, PermissionDenied, Unauthenticated, clip

ISSUER = "vigie"
ALGORITHM = "HS256"
# The longest life a token may claim: a leaked token must not outlive a day, whatever `exp`
# its minter wrote (a token "valid until the year 3000" is refused, not trusted).
MAX_LIFETIME_SECONDS = 24 * 3600
# Organisation ids are register ids (centres: 63 characters at most) or ordering-party ids.
MAX_ORGANISATION_CHARS = 128


class Role(StrEnum):
    ORDERING_PARTY = "ordering_party"
    CENTRE = "centre"
    COMMITTEE = "committee"
    OPS = "ops"


@dataclass(frozen=True)
class Caller:
    role: Role
    organisation_id: str
    subject: str

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise PermissionDenied(
                "ROLE_NOT_ALLOWED", f"role {self.role.value} may not do this (allowed: {allowed})"
            )

    def require_organisation(self, organisation_id: str) -> None:
        """The committee acts for everyone; others only for their own organisation."""
        if self.role is not Role.COMMITTEE and self.organisation_id != organisation_id:
            raise PermissionDenied(
                "OTHER_ORGANISATION",
                f"{self.role.value} {self.organisation_id} may not act for {organisation_id}",
            )

    def sees(self, record: Any) -> bool:
        """Whether the caller may see a record between an ordering party and a centre (any
        message with `ordering_party_id` and `centre_id`): the committee sees all; an
        ordering party or a centre only what it is a party to."""
        return (
            self.role is Role.COMMITTEE
            or (
                self.role is Role.ORDERING_PARTY
                and record.ordering_party_id == self.organisation_id
            )
            or (self.role is Role.CENTRE and record.centre_id == self.organisation_id)
        )


_current: contextvars.ContextVar[Caller] = contextvars.ContextVar("vigie_caller")


def current() -> Caller:
    return _current.get()


def set_current(caller: Caller) -> contextvars.Token:
    return _current.set(caller)


def mint(key: str, role: Role, organisation_id: str, *, subject: str = "", ttl: int = 3600) -> str:
    """A signed token; `ttl` beyond MAX_LIFETIME_SECONDS makes one that verify refuses."""
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": subject or f"{role.value}:{organisation_id}",
        "role": role.value,
        "org": organisation_id,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def verify(key: str, token: str, now: float | None = None) -> Caller:
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iss", "sub"]},
        )
        _check_lifetime(claims, time.time() if now is None else now)
        return Caller(Role(claims["role"]), _organisation(claims["org"]), claims["sub"])
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("TOKEN_EXPIRED", "the bearer token has expired") from exc
    except (jwt.InvalidTokenError, KeyError, ValueError, TypeError) as exc:
        reason = clip(str(exc), QUOTE_CHARS)
        raise Unauthenticated("TOKEN_INVALID", f"the bearer token is not valid: {reason}") from exc


def _organisation(value: object) -> str:
    """The organisation id a token names: a short, printable id like the register's."""
    text = str(value)
    if not 1 <= len(text) <= MAX_ORGANISATION_CHARS or not text.isprintable():
        raise ValueError(f"org must be 1 to {MAX_ORGANISATION_CHARS} printable characters")
    return text


def _check_lifetime(claims: dict, now: float) -> None:
    """`exp` at most MAX_LIFETIME_SECONDS after `iat` (when given) and after now."""
    expires = claims["exp"]
    issued = claims.get("iat", now)
    if expires - min(issued, now) > MAX_LIFETIME_SECONDS:
        hours = MAX_LIFETIME_SECONDS // 3600
        raise jwt.InvalidTokenError(f"a token may live at most {hours} hours")


def from_metadata(key: str, metadata: tuple | None) -> Caller:
    values = [v for k, v in (metadata or ()) if k == "authorization"]
    if not values:
        raise Unauthenticated("TOKEN_MISSING", "no 'authorization: Bearer <token>' metadata")
    scheme, _, token = values[0].partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("TOKEN_INVALID", "authorization must be 'Bearer <token>'")
    return verify(key, token.strip())
