"""kubectl-style error lines: one message on stderr, exit code 1, never a traceback.

kubectl prints server errors as `Error from server (<Reason>): <message>`, a 422 as
`The <Kind> "<name>" is invalid: <field>: <message>` (several causes as a `* ` list), a
refused connection as `The connection to the server <host:port> was refused - did you
specify the right host or port?`, and its own errors as `error: <message>`.
"""

from __future__ import annotations

import sys
from typing import NoReturn

from machinery.errors import StatusError


class CLIError(Exception):
    """An error kubeling reports as `error: <message>` (or verbatim when raw)."""

    def __init__(self, message: str, *, raw: bool = False, code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.raw = raw
        self.code = code

    def render(self) -> str:
        return self.message if self.raw else f"error: {self.message}"


def invalid_message(err: StatusError) -> str:
    """The 422 text kubectl builds from details.kind/name/causes."""
    head = "The request is invalid"
    if err.kind or err.name:
        head = f'The {err.kind} "{err.name}" is invalid'
    if not err.causes:
        return f"{head}: {err.message}" if err.message else head
    parts = [f"{c.field}: {c.message}" if c.field else c.message for c in err.causes]
    if len(parts) == 1:
        return f"{head}: {parts[0]}"
    return f"{head}: \n" + "\n".join(f"* {p}" for p in parts)


def server_message(err: StatusError, *, source: str = "", action: str = "") -> str:
    """`Error from server (Reason): [error when <action> "<source>": ]message`."""
    if err.reason == "Invalid" or err.code == 422:
        return invalid_message(err)
    reason = err.reason if err.reason != "InternalError" or err.code == 500 else ""
    prefix = f'error when {action} "{source}": ' if source and action else ""
    if not reason:
        return f"Error from server: {prefix}{err.message}"
    return f"Error from server ({reason}): {prefix}{err.message}"


def connection_refused(hostport: str) -> str:
    return (
        f"The connection to the server {hostport} was refused - "
        "did you specify the right host or port?"
    )


def render(exc: BaseException) -> str | None:
    """The line(s) kubectl would print for this exception, or None if it is not ours."""
    from kubectl.transport import ConnectionRefused

    if isinstance(exc, CLIError):
        return exc.render()
    if isinstance(exc, StatusError):
        return server_message(exc)
    if isinstance(exc, ConnectionRefused):
        return connection_refused(exc.hostport)
    if isinstance(exc, TimeoutError):
        return "Unable to connect to the server: the server did not answer in time (timeout)"
    if isinstance(exc, OSError):
        return f"Unable to connect to the server: {exc.strerror or exc}"
    return None


def fail(exc: BaseException) -> NoReturn:
    text = render(exc)
    if text is None:
        raise exc
    sys.stderr.write(text.rstrip("\n") + "\n")
    raise SystemExit(exc.code if isinstance(exc, CLIError) else 1)
