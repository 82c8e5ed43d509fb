"""`kubeling create -f|deployment|namespace|configmap|secret`, `run` and `expose`.

Generated objects honour `--dry-run=client -o yaml` (print, do not send) like kubectl.
"""

from __future__ import annotations

from typing import Any

import click

from kubectl import apply as merge
from kubectl import generate, manifests, printers
from kubectl.context import State, command, state
from kubectl.errors import CLIError
from kubectl.objects import Outcomes, dry_suffix, place
from kubectl.resources import name_of, parse_args, path

Obj = dict[str, Any]


def dry_run_option(func: Any) -> Any:
    return click.option(
        "--dry-run",
        type=click.Choice(["none", "client", "server"]),
        default="none",
        is_flag=False,
        flag_value="client",
        help="none|client|server",
    )(func)


def output_option(func: Any) -> Any:
    return click.option("-o", "--output", default="", help="yaml|json|name")(func)


def send(
    st: State,
    obj: Obj,
    *,
    dry_run: str,
    output: str,
    manager: str,
    save_config: bool = False,
    verb: str = "created",
) -> None:
    """Create one generated object (or just print it for --dry-run=client)."""
    info, ns = place(st, obj)
    shown = obj
    if save_config:
        obj = merge.with_last_applied(generate.for_server(obj))
    if dry_run != "client":
        query: dict[str, Any] = {"fieldManager": manager}
        if dry_run == "server":
            query["dryRun"] = "All"
        shown = st.api().post(path(info, ns), generate.for_server(obj), query=query)
    if output in ("yaml", "json") or output.startswith("jsonpath"):
        if dry_run == "client":
            shown = dict(shown)
            if shown.get("metadata", {}).get("namespace") and not st.explicit_ns:
                shown["metadata"] = {k: v for k, v in shown["metadata"].items() if k != "namespace"}
        click.echo(printers.format_objects([shown], output, single=True), nl=False)
    else:
        Outcomes(output=output).ok(info, name_of(obj), verb + dry_suffix(dry_run))


class CreateGroup(click.Group):
    """`create -f FILE` runs when no subcommand is given."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["__files__", *args]
        return super().parse_args(ctx, args)


@click.group(
    name="create", cls=CreateGroup, context_settings={"help_option_names": ["-h", "--help"]}
)
def create() -> None:
    """Create a resource from a file or from stdin, or generate one."""


@command(name="__files__", hidden=True)
@click.option("-f", "--filename", multiple=True)
@click.option("-R", "--recursive", is_flag=True)
@output_option
@dry_run_option
@click.option("--save-config", is_flag=True)
@click.option("--validate", default="true", hidden=True)
def _from_files(
    filename: tuple[str, ...],
    recursive: bool,
    output: str,
    dry_run: str,
    save_config: bool,
    validate: str,
) -> None:
    st = state()
    out = Outcomes(output="name" if output == "name" else "")
    for m in manifests.read(filename, recursive=recursive):
        obj = m.obj
        try:
            info, ns = place(st, obj)
            if save_config:
                obj = merge.with_last_applied(obj)
            if dry_run != "client":
                st.api().post(path(info, ns), obj, query={"fieldManager": "kubectl-create"})
        except Exception as e:
            out.error(e, source=m.source, action="creating")
            continue
        out.ok(info, name_of(obj), "created" + dry_suffix(dry_run))
    out.finish()


create.add_command(_from_files)


def _sub(name: str, **kw: Any) -> Any:
    def wrap(func: Any) -> Any:
        cmd = command(name=name, **kw)(func)
        create.add_command(cmd)
        return cmd

    return wrap


@_sub("deployment")
@click.argument("name")
@click.option("--image", multiple=True, required=True)
@click.option("-r", "--replicas", type=int, default=1)
@click.option("--port", type=int, default=None)
@output_option
@dry_run_option
@click.option("--save-config", is_flag=True)
def create_deployment(
    name: str,
    image: tuple[str, ...],
    replicas: int,
    port: int | None,
    output: str,
    dry_run: str,
    save_config: bool,
) -> None:
    """Create a deployment with the specified name."""
    obj = generate.deployment(name, list(image), replicas=replicas, port=port)
    send(
        state(),
        obj,
        dry_run=dry_run,
        output=output,
        manager="kubectl-create",
        save_config=save_config,
    )


@_sub("namespace")
@click.argument("name")
@output_option
@dry_run_option
def create_namespace(name: str, output: str, dry_run: str) -> None:
    """Create a namespace with the specified name."""
    send(
        state(), generate.namespace(name), dry_run=dry_run, output=output, manager="kubectl-create"
    )


create.add_command(create_namespace, name="ns")


@_sub("configmap")
@click.argument("name")
@click.option("--from-literal", multiple=True)
@click.option("--from-file", multiple=True)
@output_option
@dry_run_option
def create_configmap(
    name: str, from_literal: tuple[str, ...], from_file: tuple[str, ...], output: str, dry_run: str
) -> None:
    """Create a config map from files, directories or literal values."""
    send(
        state(),
        generate.configmap(name, from_literal, from_file),
        dry_run=dry_run,
        output=output,
        manager="kubectl-create",
    )


create.add_command(create_configmap, name="cm")


@click.group(name="secret", context_settings={"help_option_names": ["-h", "--help"]})
def secret() -> None:
    """Create a secret (generic)."""


create.add_command(secret)


@command(name="generic")
@click.argument("name")
@click.option("--from-literal", multiple=True)
@click.option("--from-file", multiple=True)
@click.option("--type", "type_", default="")
@output_option
@dry_run_option
def create_secret_generic(
    name: str,
    from_literal: tuple[str, ...],
    from_file: tuple[str, ...],
    type_: str,
    output: str,
    dry_run: str,
) -> None:
    """Create a secret from files, directories or literal values."""
    send(
        state(),
        generate.secret(name, from_literal, from_file, type_),
        dry_run=dry_run,
        output=output,
        manager="kubectl-create",
    )


secret.add_command(create_secret_generic)


@command(name="run", context_settings={"ignore_unknown_options": False})
@click.argument("name")
@click.argument("args", nargs=-1)
@click.option("--image", required=True)
@click.option("--port", type=int, default=None)
@click.option("-l", "--labels", default="")
@click.option("--env", multiple=True)
@click.option("--restart", default="Always", type=click.Choice(["Always", "OnFailure", "Never"]))
@click.option("--command", "use_command", is_flag=True)
@output_option
@dry_run_option
def run(
    name: str,
    args: tuple[str, ...],
    image: str,
    port: int | None,
    labels: str,
    env: tuple[str, ...],
    restart: str,
    use_command: bool,
    output: str,
    dry_run: str,
) -> None:
    """Create and run a particular image in a pod."""
    obj = generate.pod(
        name,
        image,
        labels=generate.labels_arg(labels),
        env=generate.key_values(env, "env"),
        port=port,
        restart=restart,
        command=use_command,
        args=list(args),
    )
    send(state(), obj, dry_run=dry_run, output=output, manager="kubectl-run")


@command(name="expose")
@click.argument("args", nargs=-1, required=True)
@click.option("--port", type=int, default=None)
@click.option("--target-port", default=None)
@click.option("--name", "svc_name", default="")
@click.option("--type", "type_", default="")
@click.option("--protocol", default="TCP")
@click.option("--port-name", default="")
@click.option("-l", "--labels", default="")
@click.option("--selector", default="")
@output_option
@dry_run_option
def expose(
    args: tuple[str, ...],
    port: int | None,
    target_port: str | None,
    svc_name: str,
    type_: str,
    protocol: str,
    port_name: str,
    labels: str,
    selector: str,
    output: str,
    dry_run: str,
) -> None:
    """Expose a deployment, replica set, service or pod as a new Service."""
    st = state()
    targets = parse_args(args, need_names=True)
    t = targets[0]
    src = st.api().get(path(t.info, st.ns, t.names[0]))
    spec = src.get("spec") or {}
    if selector:
        sel = generate.labels_arg(selector)
    elif t.info.kind == "Pod":
        sel = dict((src.get("metadata") or {}).get("labels") or {})
    elif t.info.kind == "Service":
        sel = dict(spec.get("selector") or {})
    else:
        sel = dict((spec.get("selector") or {}).get("matchLabels") or {})
        if (spec.get("selector") or {}).get("matchExpressions"):
            raise CLIError(
                "couldn't retrieve selectors via --selector flag or introspection: "
                "the selector uses matchExpressions"
            )
    if not sel:
        raise CLIError(
            f"couldn't retrieve selectors via --selector flag or introspection: "
            f"the {t.info.singular} has no selector"
        )
    if port is None:
        port = _first_port(src, t.info.kind)
    obj = generate.service(
        svc_name or t.names[0],
        selector=sel,
        labels=generate.labels_arg(labels) or dict((src.get("metadata") or {}).get("labels") or {}),
        port=port,
        target_port=target_port,
        protocol=protocol,
        type_=type_,
        port_name=port_name,
    )
    send(st, obj, dry_run=dry_run, output=output, manager="kubectl-expose", verb="exposed")


def _first_port(src: Obj, kind: str) -> int:
    spec = src.get("spec") or {}
    if kind == "Service":
        ports = spec.get("ports") or []
        if ports:
            return int(ports[0]["port"])
    pod_spec = spec if kind == "Pod" else ((spec.get("template") or {}).get("spec") or {})
    for c in pod_spec.get("containers") or []:
        for p in c.get("ports") or []:
            return int(p["containerPort"])
    raise CLIError("couldn't find port via --port flag or introspection")
