"""Shell completion for resource arguments: types first (`po`, `deployments`...), then the
names of objects of that type, asked of the server like kubectl's `__kubectl_get_resource`.

Completion never fails loudly: a server that does not answer just completes nothing.
"""

from __future__ import annotations

from typing import Any

import click
from click.shell_completion import CompletionItem


def _type_names() -> list[str]:
    from machinery.resources import RESOURCES

    names: set[str] = set()
    for r in RESOURCES:
        names.add(r.resource)
        names.update(r.short_names)
    return sorted(names)


def complete_resources(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    previous = [a for a in (ctx.params.get(param.name or "") or ()) if isinstance(a, str)]
    if not previous and "/" not in incomplete:
        return [CompletionItem(n) for n in _type_names() if n.startswith(incomplete)]
    kind, slash, prefix = incomplete.partition("/")
    if not slash:
        kind, prefix = previous[0], incomplete
    try:
        names = _object_names(ctx, kind.split(",")[0])
    except Exception:  # completion stays quiet when the server is away
        return []
    lead = f"{kind}/" if slash else ""
    return [CompletionItem(lead + n) for n in names if n.startswith(prefix)]


def _object_names(ctx: click.Context, kind: str) -> list[str]:
    from kubectl.context import State
    from kubectl.resources import path, resolve

    root = ctx.find_root()
    st = root.obj if isinstance(root.obj, State) else State()
    info = resolve(kind)
    api = st.api()
    api.timeout = 5
    body: Any = api.get(path(info, st.ns if info.namespaced else None))
    return sorted(i["metadata"]["name"] for i in body.get("items") or [])
