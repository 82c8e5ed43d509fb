"""Shared steps of the writing verbs: placing a manifest in a namespace, reporting outcomes.

kubectl reports each object on one line (`deployment.apps/web created`), keeps going after
a failing object, and exits 1 at the end if any failed; `Outcomes` does that bookkeeping.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

import click

from kubectl.context import State
from kubectl.errors import CLIError, connection_refused, server_message
from kubectl.resources import for_object, name_of, ref
from machinery.resources import ResourceInfo

Obj = dict[str, Any]


def place(st: State, obj: Obj) -> tuple[ResourceInfo, str | None]:
    """The resource for a manifest and its namespace (set into the manifest), like kubectl."""
    info = for_object(obj)
    meta = obj.setdefault("metadata", {})
    if not name_of(obj) and not meta.get("generateName"):
        raise CLIError("resource name may not be empty")
    if not info.namespaced:
        return info, None
    own = meta.get("namespace")
    if own and st.explicit_ns and own != st.ns:
        raise CLIError(
            f'the namespace from the provided object "{own}" does not match the namespace '
            f"\"{st.ns}\". You must pass '--namespace={own}' to perform this operation."
        )
    ns = own or st.ns
    meta["namespace"] = ns
    return info, ns


def dry_suffix(dry_run: str) -> str:
    return {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run, "")


@dataclass
class Outcomes:
    """Prints `kind/name verb` lines (or -o name), collects errors, sets the exit code."""

    output: str = ""
    failed: list[str] = field(default_factory=list)

    def ok(self, info: ResourceInfo, name: str, verb: str) -> None:
        if self.output == "name":
            click.echo(ref(info, name))
        else:
            click.echo(f"{ref(info, name)} {verb}")

    def error(self, exc: Exception, *, source: str = "", action: str = "") -> None:
        from kubectl.transport import ConnectionRefused
        from machinery.errors import StatusError

        if isinstance(exc, StatusError):
            self.failed.append(server_message(exc, source=source, action=action))
        elif isinstance(exc, CLIError):
            self.failed.append(exc.render())
        elif isinstance(exc, ConnectionRefused):
            self.failed.append(connection_refused(exc.hostport))
        else:
            raise exc

    def finish(self) -> None:
        for line in self.failed:
            click.echo(line, err=True)
        if self.failed:
            sys.exit(1)
