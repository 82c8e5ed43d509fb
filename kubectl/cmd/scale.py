"""`kubeling scale` (the scale subresource) and `kubeling set image` (a strategic merge patch)."""

from __future__ import annotations

import click

from kubectl.completion import complete_resources
from kubectl.context import command, state
from kubectl.errors import CLIError
from kubectl.resources import parse_args, path, ref

SCALABLE = {"Deployment", "ReplicaSet", "StatefulSet"}


@command(name="scale")
@click.argument("args", shell_complete=complete_resources, nargs=-1, required=True)
@click.option("--replicas", type=int, required=True)
@click.option("--current-replicas", type=int, default=-1)
def scale(args: tuple[str, ...], replicas: int, current_replicas: int) -> None:
    """Set a new size for a deployment, replica set or stateful set."""
    from machinery.errors import Conflict

    st = state()
    api = st.api()
    if replicas < 0:
        raise CLIError(
            "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        )
    for t in parse_args(args, need_names=True):
        if t.info.kind not in SCALABLE:
            raise CLIError(f"cannot scale {t.info.resource}")
        for name in t.names:
            p = path(t.info, st.ns, name, "scale")
            if current_replicas >= 0:
                current = api.get(p)
                have = (current.get("spec") or {}).get("replicas", 0)
                if have != current_replicas:
                    raise CLIError(f"Expected replicas to be {current_replicas}, was {have}")
                current["spec"]["replicas"] = replicas
                try:
                    api.put(p, current)
                except Conflict as e:
                    raise CLIError(str(e)) from None
            else:
                api.get(path(t.info, st.ns, name))
                api.patch(p, {"spec": {"replicas": replicas}}, kind="merge")
            click.echo(f"{ref(t.info, name)} scaled")


@click.group(name="set", context_settings={"help_option_names": ["-h", "--help"]})
def set_() -> None:
    """Set specific features on objects."""


@command(name="image")
@click.argument("args", shell_complete=complete_resources, nargs=-1, required=True)
def image(args: tuple[str, ...]) -> None:
    """Update container images: `set image deploy/web web=nginx:1.26` (`*=img` for all)."""
    st = state()
    api = st.api()
    res = [a for a in args if "=" not in a]
    pairs = dict(a.split("=", 1) for a in args if "=" in a)
    if not pairs:
        raise CLIError("at least one image update is required")
    for t in parse_args(res, need_names=True):
        for name in t.names:
            obj = api.get(path(t.info, st.ns, name))
            spec = obj.get("spec") or {}
            pod_spec = (
                spec if t.info.kind == "Pod" else (spec.get("template") or {}).get("spec") or {}
            )
            containers: list[dict[str, str]] = []
            init: list[dict[str, str]] = []
            for key, out in (("containers", containers), ("initContainers", init)):
                for c in pod_spec.get(key) or []:
                    new = pairs.get(c["name"]) or pairs.get("*")
                    if new is not None and new != c.get("image"):
                        out.append({"name": c["name"], "image": new})
            known = {
                c["name"] for k in ("containers", "initContainers") for c in pod_spec.get(k) or []
            }
            missing = [k for k in pairs if k != "*" and k not in known]
            if missing:
                raise CLIError(f'unable to find container named "{missing[0]}"')
            if not containers and not init:
                continue  # kubectl prints nothing when every image is already set
            body: dict[str, object] = {}
            if containers:
                body["containers"] = containers
            if init:
                body["initContainers"] = init
            patch = (
                {"spec": body} if t.info.kind == "Pod" else {"spec": {"template": {"spec": body}}}
            )
            api.patch(
                path(t.info, st.ns, name),
                patch,
                kind="strategic",
                query={"fieldManager": "kubectl-set"},
            )
            click.echo(f"{ref(t.info, name)} image updated")


set_.add_command(image)
