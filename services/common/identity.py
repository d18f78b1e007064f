"""Who is calling: every call carries a signed bearer token (HS256 JWT) naming a role and an
organisation. Services check the role per method and the organisation per resource."""

from __future__ import annotations

import contextvars
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import jwt

from services.common.errors import QUOTE_CHARS, PermissionDenied, Unauthenticated, clip, quote
from services.rules.wording import Text, text

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
            allowed = tuple(r.value for r in roles)
            raise PermissionDenied(
                "ROLE_NOT_ALLOWED",
                text(
                    "error-role-not-allowed",
                    role=self.role.value,
                    allowed=allowed,
                    count=len(allowed),
                ),
            )

    def require_organisation(self, organisation_id: str) -> None:
        """The committee acts for everyone; others only for their own organisation."""
        if self.role is not Role.COMMITTEE and self.organisation_id != organisation_id:
            raise PermissionDenied(
                "OTHER_ORGANISATION",
                text(
                    "error-other-organisation",
                    role=self.role.value,
                    organisation=self.organisation_id,
                    target=organisation_id,
                ),
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
        return Caller(_role(claims["role"]), _organisation(claims["org"]), claims["sub"])
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("TOKEN_EXPIRED", text("error-token-expired")) from exc
    except (jwt.InvalidTokenError, KeyError, ValueError, TypeError) as exc:
        raise Unauthenticated("TOKEN_INVALID", text("error-token-invalid", why=_why(exc))) from exc


class _Refused(jwt.InvalidTokenError):
    """A token PyJWT accepts but Vigie does not, and why, in the catalogue's words."""

    def __init__(self, why: Text) -> None:
        self.why = why
        super().__init__(why.message)


def _why(error: Exception) -> Text:
    """Why a token is not valid: Vigie's own reasons and PyJWT's usual ones in the
    catalogue's words; any other in PyJWT's (English) words, cut short."""
    match error:
        case _Refused():
            return error.why
        case jwt.InvalidSignatureError():
            return text("error-token-signature")
        case jwt.DecodeError():
            return text("error-token-malformed")
        case jwt.MissingRequiredClaimError():
            return text("error-token-claim-missing", claim=error.claim)
        case KeyError():
            return text("error-token-claim-missing", claim=str(error.args[0]))
        case jwt.InvalidIssuerError():
            return text("error-token-issuer", issuer=ISSUER)
        case jwt.ImmatureSignatureError():
            return text("error-token-not-yet-valid")
        case jwt.InvalidAlgorithmError():
            return text("error-token-algorithm", algorithm=ALGORITHM)
    return text("error-token-other", detail=clip(str(error), QUOTE_CHARS))


def _role(value: object) -> Role:
    try:
        return Role(value)
    except ValueError:
        roles = tuple(r.value for r in Role)
        raise _Refused(text("error-token-role", role=quote(value), roles=roles)) from None


def _organisation(value: object) -> str:
    """The organisation id a token names: a short, printable id like the register's."""
    name = str(value)
    if not 1 <= len(name) <= MAX_ORGANISATION_CHARS or not name.isprintable():
        raise _Refused(text("error-token-organisation", max_chars=MAX_ORGANISATION_CHARS))
    return name


def _check_lifetime(claims: dict, now: float) -> None:
    """`exp` at most MAX_LIFETIME_SECONDS after `iat` (when given) and after now."""
    expires = claims["exp"]
    issued = claims.get("iat", now)
    if expires - min(issued, now) > MAX_LIFETIME_SECONDS:
        raise _Refused(text("error-token-lifetime", hours=MAX_LIFETIME_SECONDS // 3600))


def from_metadata(key: str, metadata: tuple | None) -> Caller:
    values = [v for k, v in (metadata or ()) if k == "authorization"]
    if not values:
        raise Unauthenticated("TOKEN_MISSING", text("error-token-missing"))
    scheme, _, token = values[0].partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("TOKEN_INVALID", text("error-token-scheme"))
    return verify(key, token.strip())
