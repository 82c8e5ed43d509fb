"""Kubernetes `Status` errors: one exception type per reason, convertible to and from the wire.

The apiserver raises these and renders them as Status objects; clients map HTTP answers
back onto the same classes, so every component speaks of NotFound, Conflict and friends
the way Kubernetes does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class StatusCause:
    """One field-level reason in a 422 (`details.causes[]`)."""

    reason: str
    message: str
    field: str = ""

    def to_dict(self) -> dict[str, str]:
        out = {"reason": self.reason, "message": self.message}
        if self.field:
            out["field"] = self.field
        return out


# Kubernetes' cause reasons and the messages its field errors print.
FIELD_REQUIRED = "FieldValueRequired"
FIELD_INVALID = "FieldValueInvalid"
FIELD_NOT_SUPPORTED = "FieldValueNotSupported"
FIELD_DUPLICATE = "FieldValueDuplicate"
FIELD_FORBIDDEN = "FieldValueForbidden"
FIELD_TOO_LONG = "FieldValueTooLong"
FIELD_TOO_MANY = "FieldValueTooMany"


def required(path: str) -> StatusCause:
    return StatusCause(FIELD_REQUIRED, "Required value", path)


def invalid(path: str, value: Any, detail: str) -> StatusCause:
    return StatusCause(FIELD_INVALID, f"Invalid value: {_show(value)}: {detail}", path)


def not_supported(path: str, value: Any, supported: list[str]) -> StatusCause:
    choices = ", ".join(f'"{s}"' for s in supported)
    return StatusCause(
        FIELD_NOT_SUPPORTED, f"Unsupported value: {_show(value)}: supported values: {choices}", path
    )


def duplicate(path: str, value: Any) -> StatusCause:
    return StatusCause(FIELD_DUPLICATE, f"Duplicate value: {_show(value)}", path)


def forbidden(path: str, detail: str) -> StatusCause:
    return StatusCause(FIELD_FORBIDDEN, f"Forbidden: {detail}", path)


def too_long(path: str, limit: int) -> StatusCause:
    return StatusCause(FIELD_TOO_LONG, f"Too long: may not be more than {limit} bytes", path)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


class StatusError(Exception):
    """An error that has a Kubernetes Status form. Subclasses fix code and reason."""

    code: ClassVar[int] = 500
    reason: ClassVar[str] = "InternalError"

    def __init__(
        self,
        message: str,
        *,
        name: str = "",
        group: str = "",
        kind: str = "",
        causes: list[StatusCause] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.name = name
        self.group = group
        self.kind = kind
        self.causes = causes or []
        self.retry_after = retry_after

    def to_status(self) -> dict[str, Any]:
        details: dict[str, Any] = {}
        if self.name:
            details["name"] = self.name
        if self.group:
            details["group"] = self.group
        if self.kind:
            details["kind"] = self.kind
        if self.causes:
            details["causes"] = [c.to_dict() for c in self.causes]
        if self.retry_after is not None:
            details["retryAfterSeconds"] = self.retry_after
        status: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if details:
            status["details"] = details
        return status

    @staticmethod
    def from_status(status: dict[str, Any], *, code: int | None = None) -> StatusError:
        """Rebuild the matching error from a Status body (as a client receives it)."""
        code = int(status.get("code") or code or 500)
        reason = str(status.get("reason") or "")
        cls = _BY_REASON.get(reason) or _BY_CODE.get(code) or StatusError
        details = status.get("details") or {}
        causes = [
            StatusCause(c.get("reason", ""), c.get("message", ""), c.get("field", ""))
            for c in details.get("causes") or []
        ]
        err = cls(
            str(status.get("message") or reason or f"HTTP {code}"),
            name=details.get("name", ""),
            group=details.get("group", ""),
            kind=details.get("kind", ""),
            causes=causes,
            retry_after=details.get("retryAfterSeconds"),
        )
        return err


class BadRequest(StatusError):
    code = 400
    reason = "BadRequest"


class Unauthorized(StatusError):
    code = 401
    reason = "Unauthorized"


class Forbidden(StatusError):
    code = 403
    reason = "Forbidden"


class NotFound(StatusError):
    code = 404
    reason = "NotFound"


class MethodNotAllowed(StatusError):
    code = 405
    reason = "MethodNotAllowed"


class NotAcceptable(StatusError):
    code = 406
    reason = "NotAcceptable"


class AlreadyExists(StatusError):
    code = 409
    reason = "AlreadyExists"


class Conflict(StatusError):
    code = 409
    reason = "Conflict"


class Gone(StatusError):
    """410: the requested resourceVersion is older than what is kept."""

    code = 410
    reason = "Expired"


class RequestEntityTooLarge(StatusError):
    code = 413
    reason = "RequestEntityTooLarge"


class UnsupportedMediaType(StatusError):
    code = 415
    reason = "UnsupportedMediaType"


class Invalid(StatusError):
    code = 422
    reason = "Invalid"


class TooManyRequests(StatusError):
    code = 429
    reason = "TooManyRequests"


class InternalError(StatusError):
    code = 500
    reason = "InternalError"


class ServiceUnavailable(StatusError):
    code = 503
    reason = "ServiceUnavailable"


class Timeout(StatusError):
    code = 504
    reason = "Timeout"


_BY_REASON: dict[str, type[StatusError]] = {
    c.reason: c
    for c in (
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        NotAcceptable,
        AlreadyExists,
        Conflict,
        Gone,
        RequestEntityTooLarge,
        UnsupportedMediaType,
        Invalid,
        TooManyRequests,
        InternalError,
        ServiceUnavailable,
        Timeout,
    )
}
_BY_REASON["Gone"] = Gone
_BY_CODE: dict[int, type[StatusError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    406: NotAcceptable,
    409: Conflict,
    410: Gone,
    413: RequestEntityTooLarge,
    415: UnsupportedMediaType,
    422: Invalid,
    429: TooManyRequests,
    500: InternalError,
    503: ServiceUnavailable,
    504: Timeout,
}


@dataclass
class InvalidObject:
    """Collects field causes while validating one object, then raises one 422."""

    kind: str
    name: str
    group: str = ""
    causes: list[StatusCause] = field(default_factory=list)

    def raise_if_any(self) -> None:
        if not self.causes:
            return
        parts = [f"{c.field}: {c.message}" if c.field else c.message for c in self.causes]
        body = parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"
        raise Invalid(
            f'{self.kind} "{self.name}" is invalid: {body}',
            name=self.name,
            group=self.group,
            kind=self.kind,
            causes=self.causes,
        )
