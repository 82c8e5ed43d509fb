"""`kubeling config view|get-contexts|current-context|use-context|set-context`.

Reads through machinery.kubeconfig (same file choice as kubectl: --kubeconfig, else the
first $KUBECONFIG file, else ~/.kube/config) and edits the file in place, as kubectl does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from kubectl.context import command, state
from kubectl.errors import CLIError
from kubectl.printers import layout, to_yaml


def _target_file() -> Path:
    st = state()
    if st.kubeconfig:
        return Path(st.kubeconfig).expanduser()
    env = os.environ.get("KUBECONFIG")
    if env:
        files = [Path(p).expanduser() for p in env.split(os.pathsep) if p]
        for f in files:
            if f.exists():
                return f
        return files[0]
    return Path.home() / ".kube" / "config"


def _load(path: Path) -> dict[str, Any]:
    import yaml

    if not path.exists():
        return {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [],
            "contexts": [],
            "users": [],
            "current-context": "",
            "preferences": {},
        }
    return yaml.safe_load(path.read_text()) or {}


def _save(path: Path, doc: dict[str, Any]) -> None:
    import yaml

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def _merged() -> dict[str, Any]:
    from machinery.kubeconfig import ConfigError, merged

    try:
        return merged(state().kubeconfig)
    except ConfigError as e:
        raise CLIError(str(e)) from None


@click.group(name="config", context_settings={"help_option_names": ["-h", "--help"]})
def config() -> None:
    """Modify kubeconfig files."""


@command(name="view")
@click.option("--minify", is_flag=True)
@click.option("--raw", is_flag=True)
@click.option("-o", "--output", default="yaml")
def view(minify: bool, raw: bool, output: str) -> None:
    """Display merged kubeconfig settings."""
    doc = _merged()
    out: dict[str, Any] = {
        "apiVersion": "v1",
        "clusters": doc["clusters"],
        "contexts": doc["contexts"],
        "current-context": doc.get("current-context", ""),
        "kind": "Config",
        "preferences": {},
        "users": doc["users"],
    }
    if minify:
        cur = out["current-context"]
        ctx = next((c for c in out["contexts"] if c.get("name") == cur), None)
        if ctx is None:
            raise CLIError("current-context must exist in order to minify")
        body = ctx.get("context") or {}
        out["contexts"] = [ctx]
        out["clusters"] = [c for c in out["clusters"] if c.get("name") == body.get("cluster")]
        out["users"] = [u for u in out["users"] if u.get("name") == body.get("user")]
    if not raw:
        for u in out["users"]:
            user = u.get("user") or {}
            for k in ("client-certificate-data", "client-key-data", "token"):
                if k in user:
                    user[k] = "DATA+OMITTED" if k.endswith("data") else "REDACTED"
        for c in out["clusters"]:
            if "certificate-authority-data" in (c.get("cluster") or {}):
                c["cluster"]["certificate-authority-data"] = "DATA+OMITTED"
    if output == "json":
        from kubectl.printers import to_json

        click.echo(to_json(out), nl=False)
    else:
        click.echo(to_yaml(out), nl=False)


@command(name="get-contexts")
@click.argument("name", required=False)
@click.option("-o", "--output", default="")
@click.option("--no-headers", is_flag=True)
def get_contexts(name: str | None, output: str, no_headers: bool) -> None:
    """Describe one or many contexts."""
    doc = _merged()
    cur = doc.get("current-context", "")
    ctxs = [c for c in doc["contexts"] if not name or c.get("name") == name]
    if name and not ctxs:
        raise CLIError(f"context {name} not found")
    if output == "name":
        click.echo("\n".join(c["name"] for c in ctxs))
        return
    rows = [] if no_headers else [["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]]
    for c in ctxs:
        body = c.get("context") or {}
        rows.append(
            [
                "*" if c["name"] == cur else "",
                c["name"],
                body.get("cluster", ""),
                body.get("user", ""),
                body.get("namespace", ""),
            ]
        )
    click.echo("\n".join(layout(rows)))


@command(name="current-context")
def current_context() -> None:
    """Display the current-context."""
    cur = _merged().get("current-context")
    if not cur:
        raise CLIError("current-context is not set")
    click.echo(cur)


@command(name="use-context")
@click.argument("name")
def use_context(name: str) -> None:
    """Set the current-context in a kubeconfig file."""
    if not any(c.get("name") == name for c in _merged()["contexts"]):
        raise CLIError(f'no context exists with the name: "{name}"')
    path = _target_file()
    doc = _load(path)
    doc["current-context"] = name
    _save(path, doc)
    click.echo(f'Switched to context "{name}".')


@command(name="set-context", namespace_flag=False)
@click.argument("name", required=False)
@click.option("--current", is_flag=True)
@click.option("--cluster", default=None)
@click.option("--user", default=None)
@click.option("--namespace", "ctx_namespace", default=None)
def set_context(
    name: str | None,
    current: bool,
    cluster: str | None,
    user: str | None,
    ctx_namespace: str | None,
) -> None:
    """Set a context entry in kubeconfig (--current: the current context)."""
    path = _target_file()
    doc = _load(path)
    if current:
        if name:
            raise CLIError("you cannot specify both a context name and --current")
        name = _merged().get("current-context")
        if not name:
            raise CLIError("no current context is set")
    if not name:
        raise CLIError("you must specify a non-empty context name or --current")
    contexts = doc.setdefault("contexts", []) or []
    doc["contexts"] = contexts
    entry = next((c for c in contexts if c.get("name") == name), None)
    existed = entry is not None
    if entry is None:
        entry = {"name": name, "context": {}}
        contexts.append(entry)
    body = entry.setdefault("context", {}) or {}
    entry["context"] = body
    for key, value in (("cluster", cluster), ("user", user), ("namespace", ctx_namespace)):
        if value is not None:
            body[key] = value
    _save(path, doc)
    click.echo(f'Context "{name}" {"modified" if existed else "created"}.')


for _c in (view, get_contexts, current_context, use_context, set_context):
    config.add_command(_c)
