"""From the pod spec to what the runtime is asked for: sandbox and container configs.

Kept apart from the pod worker so the translation (labels, command/args with `$(VAR)`
expansion, limits to CPU cores and bytes, DNS settings) reads in one place. DNS is the
seam for cluster DNS: today only dnsPolicy None (dnsConfig taken as is) changes anything;
ClusterFirst will point at the cluster DNS service once it exists.
"""

from __future__ import annotations

from kubelet.envvars import expand
from kubelet.podstate import Start, spec_hash
from kubelet.runtime import (
    L_CONTAINER,
    L_HASH,
    L_KIND,
    L_POD_NAME,
    L_POD_NAMESPACE,
    L_POD_UID,
    L_RESTART_COUNT,
    ContainerConfig,
    Mount,
    SandboxConfig,
)
from machinery.api import Pod
from machinery.quantity import cpu_millis, memory_bytes


def pod_labels(pod: Pod) -> dict[str, str]:
    meta = pod.metadata
    return {
        L_POD_UID: meta.uid or "",
        L_POD_NAME: meta.name,
        L_POD_NAMESPACE: meta.namespace or "",
    }


def sandbox_config(pod: Pod) -> SandboxConfig:
    meta = pod.metadata
    cfg = pod.spec.dns_config
    servers = search = options = None
    if (pod.spec.dns_policy or "") == "None" and cfg is not None:
        servers = list(cfg.nameservers or []) or None
        search = list(cfg.searches or []) or None
        options = [
            f"{o.name}:{o.value}" if o.value else (o.name or "") for o in cfg.options or []
        ] or None
    return SandboxConfig(
        pod_uid=meta.uid or "",
        namespace=meta.namespace or "",
        name=meta.name,
        hostname=pod.spec.hostname or meta.name,
        labels=pod_labels(pod),
        dns_servers=servers,
        dns_search=search,
        dns_options=options,
    )


def container_config(
    pod: Pod, s: Start, env: dict[str, str], mounts: list[Mount]
) -> ContainerConfig:
    c = s.container
    limits = (c.resources.limits if c.resources else None) or {}
    return ContainerConfig(
        name=c.name,
        image=c.image or "",
        labels={
            **pod_labels(pod),
            L_CONTAINER: c.name,
            L_RESTART_COUNT: str(s.restart_count),
            L_KIND: "init" if s.init else "app",
            L_HASH: spec_hash(c),
        },
        command=[expand(a, env) for a in c.command] if c.command else None,
        args=[expand(a, env) for a in c.args] if c.args else None,
        env=env,
        working_dir=c.working_dir,
        mounts=mounts,
        cpu_limit=cpu_millis(limits["cpu"]) / 1000 if "cpu" in limits else None,
        memory_limit=memory_bytes(limits["memory"]) if "memory" in limits else None,
        tty=bool(c.tty),
    )
