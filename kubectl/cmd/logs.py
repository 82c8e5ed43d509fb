"""`kubeling logs` through pods/{name}/log (the apiserver proxies to the kubelet), and `exec`.

Targets: a pod name, `pod/NAME`, `deploy/NAME` (or rs/sts/job: the first pod its selector
matches) or `-l selector` (every matching pod, tail 10 by default, as kubectl).
"""

from __future__ import annotations

import sys
import threading
from typing import Any

import click

from kubectl.context import State, command, state
from kubectl.errors import CLIError
from kubectl.resources import path, resolve

Obj = dict[str, Any]


def _pods_for(st: State, target: str, selector: str | None) -> list[Obj]:
    api = st.api()
    pods_info = resolve("pods")
    if selector:
        items = api.get(path(pods_info, st.ns), query={"labelSelector": selector}).get("items")
        if not items:
            raise CLIError(f"No resources found in {st.ns} namespace.", raw=True)
        return list(items)
    if not target:
        raise CLIError("expected POD or TYPE/NAME is a required argument for the logs command")
    kind, sep, name = target.partition("/")
    if not sep:
        return [api.get(path(pods_info, st.ns, target))]
    info = resolve(kind)
    obj = api.get(path(info, st.ns, name))
    if info.kind == "Pod":
        return [obj]
    sel = (obj.get("spec") or {}).get("selector") or {}
    labels = sel.get("matchLabels") if isinstance(sel.get("matchLabels"), dict) else sel
    query = ",".join(f"{k}={v}" for k, v in sorted((labels or {}).items()))
    items = api.get(path(pods_info, st.ns), query={"labelSelector": query}).get("items") or []
    if not items:
        raise CLIError("timed out waiting for the condition")
    return [sorted(items, key=lambda p: p["metadata"].get("creationTimestamp", ""))[0]]


def _container(pod: Obj, container: str | None, all_containers: bool) -> list[str]:
    names = [c["name"] for c in (pod.get("spec") or {}).get("containers") or []]
    if container:
        if container not in names + [
            c["name"] for c in (pod.get("spec") or {}).get("initContainers") or []
        ]:
            raise CLIError(f"container {container} is not valid for pod {pod['metadata']['name']}")
        return [container]
    if all_containers or len(names) <= 1:
        return names
    default = (pod["metadata"].get("annotations") or {}).get(
        "kubectl.kubernetes.io/default-container"
    )
    if isinstance(default, str) and default in names:
        return [default]
    click.echo(f'Defaulted container "{names[0]}" out of: {", ".join(names)}', err=True)
    return names[:1]


@command(name="logs")
@click.argument("target", required=False, default="")
@click.argument("container_arg", required=False, default=None)
@click.option("-c", "--container", default=None)
@click.option("-f", "--follow", is_flag=True)
@click.option("-p", "--previous", is_flag=True)
@click.option("--tail", type=int, default=-1)
@click.option("--timestamps", is_flag=True)
@click.option("--since", default="")
@click.option("--limit-bytes", type=int, default=0)
@click.option("-l", "--selector", default=None)
@click.option("--all-containers", is_flag=True)
@click.option("--prefix", is_flag=True)
@click.option("--max-log-requests", type=int, default=5)
def logs(
    target: str,
    container_arg: str | None,
    container: str | None,
    follow: bool,
    previous: bool,
    tail: int,
    timestamps: bool,
    since: str,
    limit_bytes: int,
    selector: str | None,
    all_containers: bool,
    prefix: bool,
    max_log_requests: int,
) -> None:
    """Print the logs for a container in a pod."""
    from kubectl.timing import parse_duration

    st = state()
    if selector and target:
        raise CLIError("only one of a selector or a pod name may be given")
    pods = _pods_for(st, target, selector)
    if selector and tail < 0:
        tail = 10
    query: dict[str, Any] = {
        "follow": follow or None,
        "previous": previous or None,
        "timestamps": timestamps or None,
    }
    if tail >= 0:
        query["tailLines"] = tail
    if since:
        query["sinceSeconds"] = int(parse_duration(since))
    if limit_bytes:
        query["limitBytes"] = limit_bytes
    many = len(pods) > 1 or all_containers or prefix
    streams: list[tuple[str, dict[str, Any], str]] = []
    for pod in pods:
        for c in _container(pod, container or container_arg, all_containers):
            lead = f"[pod/{pod['metadata']['name']}/{c}] " if many and prefix else ""
            p = path(resolve("pods"), st.ns, pod["metadata"]["name"], "log")
            streams.append((p, {**query, "container": c}, lead))
    if follow and len(streams) > max_log_requests:
        raise CLIError(
            f"you are attempting to follow {len(streams)} log streams, but maximum allowed "
            f"concurrency is {max_log_requests}, use --max-log-requests to increase the limit"
        )
    if follow and len(streams) > 1:
        _follow_all(st, streams)
        return
    for p, q, lead in streams:
        _copy(st, p, q, lead, follow=follow)


_OUT_LOCK = threading.Lock()


def _copy(st: State, p: str, query: dict[str, Any], lead: str, *, follow: bool) -> None:
    for line in st.api().stream(p, query=query, accept="*/*", timeout=None if follow else 60):
        with _OUT_LOCK:
            sys.stdout.write(lead + line.decode(errors="replace"))
            sys.stdout.flush()


def _follow_all(st: State, streams: list[tuple[str, dict[str, Any], str]]) -> None:
    """Follow several containers at once (kubectl's -f -l), each on its own connection."""
    errors: list[BaseException] = []

    def run(p: str, q: dict[str, Any], lead: str) -> None:
        try:
            _copy(st, p, q, lead, follow=True)
        except Exception as e:  # reported after every stream has ended
            errors.append(e)

    threads = [threading.Thread(target=run, args=s, daemon=True) for s in streams]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


@command(name="exec", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@click.option("-c", "--container", default=None)
@click.option("-i", "--stdin", is_flag=True)
@click.option("-t", "--tty", is_flag=True)
def exec_(args: tuple[str, ...], container: str | None, stdin: bool, tty: bool) -> None:
    """Execute a command in a container (not supported by kubeling yet)."""
    raise CLIError(
        "exec is not supported by kubeling yet: the apiserver serves no "
        "pods/exec endpoint (use the real kubectl or `docker exec` on the node)"
    )
