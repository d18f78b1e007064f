"""Errors a use case raises, and how they reach a gRPC caller: a status code plus rich error
details (google.rpc.BadRequest with one violation per field, PreconditionFailure,
ResourceInfo, ErrorInfo) that grpcurl and every gRPC client can read.

An error never echoes unbounded input: a quoted value is cut to a short prefix, a refusal
lists at most MAX_VIOLATIONS fields (and says how many more), and every text is clipped, so
the whole status stays a few kilobytes, well under the 16 KB of trailing metadata standard
clients accept (beyond it they see RESOURCE_EXHAUSTED instead of the real code)."""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from services.common.wording import render
from services.rules import RuleBroken, Violation
from services.rules.wording import Text, text

DOMAIN = "vigie"
# A value quoted in an error: enough to recognise it, never the whole of a huge input.
QUOTE_CHARS = 64
# Field violations listed in one refusal; the rest are counted in one more.
MAX_VIOLATIONS = 20
# Longest field path, violation description and status message sent back: 21 violations
# at most stay under 8 KB even base64-encoded in grpc-status-details-bin.
FIELD_CHARS, REASON_CHARS, MESSAGE_CHARS = 128, 200, 1024


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with "…" when something was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """A caller's value for an error message: its repr, cut to a short prefix."""
    text = value if isinstance(value, str) else str(value)
    return repr(clip(text, limit))


class ServiceError(Exception):
    """An error for the caller. Its words (`Text`s of the catalogue, or plain str) are
    rendered when the status is sent, in the caller's language."""

    code = grpc.StatusCode.INTERNAL
    words: Text | str = ""

    def __init__(self, words: Text | str = "") -> None:
        self.words = words
        super().__init__(words)

    def __str__(self) -> str:
        return render(self.words)

    def details(self) -> list[any_pb2.Any]:
        return []


class InvalidArgument(ServiceError):
    code = grpc.StatusCode.INVALID_ARGUMENT

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = capped(violations)
        super().__init__()

    def __str__(self) -> str:
        return "; ".join(f"{v.field}: {render(v.reason)}" for v in self.violations)

    @classmethod
    def one(cls, field: str, reason: Text | str) -> InvalidArgument:
        return cls([Violation(field, reason)])

    def details(self) -> list[any_pb2.Any]:
        request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(
                    field=v.field, description=clip(render(v.reason), REASON_CHARS)
                )
                for v in self.violations
            ]
        )
        return [_pack(request)]


class NotFound(ServiceError):
    code = grpc.StatusCode.NOT_FOUND

    def __init__(self, resource_type: str, name: str) -> None:
        self.resource_type, self.name = resource_type, name
        super().__init__(text("error-not-found", kind=resource_type, name=quote(name)))

    def details(self) -> list[any_pb2.Any]:
        info = error_details_pb2.ResourceInfo(
            resource_type=self.resource_type,
            resource_name=clip(self.name, QUOTE_CHARS),
            description=str(self),
        )
        return [_pack(info)]


class FailedPrecondition(ServiceError):
    """The request is well formed but the system's state does not allow it."""

    code = grpc.StatusCode.FAILED_PRECONDITION

    def __init__(self, subject: str, reason: Text | str, type_: str = "STATE") -> None:
        self.subject, self.reason, self.type_ = subject, reason, type_
        super().__init__(reason)

    def __str__(self) -> str:
        return f"{self.subject}: {render(self.reason)}"

    def details(self) -> list[any_pb2.Any]:
        failure = error_details_pb2.PreconditionFailure(
            violations=[
                error_details_pb2.PreconditionFailure.Violation(
                    type=self.type_,
                    subject=clip(self.subject, FIELD_CHARS),
                    description=clip(render(self.reason), MESSAGE_CHARS),
                )
            ]
        )
        return [_pack(failure)]


class AlreadyExists(ServiceError):
    code = grpc.StatusCode.ALREADY_EXISTS

    def __init__(self, resource_type: str, name: str) -> None:
        self.resource_type, self.name = resource_type, name
        super().__init__(text("error-already-exists", kind=resource_type, name=quote(name)))

    def details(self) -> list[any_pb2.Any]:
        info = error_details_pb2.ResourceInfo(
            resource_type=self.resource_type, resource_name=clip(self.name, QUOTE_CHARS)
        )
        return [_pack(info)]


class _Reasoned(ServiceError):
    def __init__(self, reason: str, message: Text | str) -> None:
        self.reason = reason
        super().__init__(message)

    def details(self) -> list[any_pb2.Any]:
        return [_pack(error_details_pb2.ErrorInfo(reason=self.reason, domain=DOMAIN))]


class Unauthenticated(_Reasoned):
    code = grpc.StatusCode.UNAUTHENTICATED


class PermissionDenied(_Reasoned):
    code = grpc.StatusCode.PERMISSION_DENIED


class Unavailable(_Reasoned):
    code = grpc.StatusCode.UNAVAILABLE


def capped(violations: list[Violation]) -> list[Violation]:
    """The first MAX_VIOLATIONS violations, each clipped, plus one counting the others (it
    names the first field left out, so the path stays a real one)."""
    kept = [Violation(clip(v.field, FIELD_CHARS), v.reason) for v in violations[:MAX_VIOLATIONS]]
    more = len(violations) - len(kept)
    if more > 0:
        first = clip(violations[MAX_VIOLATIONS].field, FIELD_CHARS)
        kept.append(Violation(first, text("error-more-violations", count=more)))
    return kept


def _pack(message) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


def from_rule(error: RuleBroken) -> FailedPrecondition:
    """A domain rule the current state does not meet."""
    return FailedPrecondition(error.subject, error.reason)


def to_trailers(error: ServiceError) -> tuple[grpc.StatusCode, str, tuple]:
    """The code, message and trailing metadata (grpc-status-details-bin) for an error."""
    message = clip(str(error), MESSAGE_CHARS)
    status = status_pb2.Status(
        code=getattr(code_pb2, error.code.name), message=message, details=error.details()
    )
    return error.code, message, rpc_status.to_status(status).trailing_metadata
