"""Who is calling: every call carries a signed bearer token (HS256 JWT) naming a role and an
organisation. Services check the role per method and the organisation per resource."""

from __future__ import annotations

import contextvars
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import jwt

from services.common.errors import PermissionDenied, Unauthenticated

ISSUER = "vigie"
ALGORITHM = "HS256"


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


def verify(key: str, token: str) -> Caller:
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iss", "sub"]},
        )
        return Caller(Role(claims["role"]), str(claims["org"]), claims["sub"])
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("TOKEN_EXPIRED", "the bearer token has expired") from exc
    except (jwt.InvalidTokenError, KeyError, ValueError) as exc:
        raise Unauthenticated("TOKEN_INVALID", f"the bearer token is not valid: {exc}") from exc


def from_metadata(key: str, metadata: tuple | None) -> Caller:
    values = [v for k, v in (metadata or ()) if k == "authorization"]
    if not values:
        raise Unauthenticated("TOKEN_MISSING", "no 'authorization: Bearer <token>' metadata")
    scheme, _, token = values[0].partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("TOKEN_INVALID", "authorization must be 'Bearer <token>'")
    return verify(key, token.strip())
