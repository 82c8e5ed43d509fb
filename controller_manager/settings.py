"""The controller manager's flags (each also `KUBELING_<NAME>` in the environment).

Kubernetes' default timings are the defaults; the lab and the tests shorten them.
"""

from __future__ import annotations

from pydantic import Field

from machinery.leaderelection import LeaderElectionSettings

ALL_CONTROLLERS = (
    "replicaset",
    "deployment",
    "endpoints",
    "endpointslice",
    "nodelifecycle",
    "nodeipam",
    "garbagecollector",
    "namespace",
)


class ControllerManagerSettings(LeaderElectionSettings):
    """kubeling-controller-manager: runs the built-in controllers under one leader election."""

    kubeconfig: str = Field("", description="kubeconfig file (else $KUBECONFIG, ~/.kube/config)")
    master: str = Field("", description="API server URL (overrides the kubeconfig's server)")
    health_bind_address: str = "127.0.0.1"
    health_port: int = Field(10257, description="/livez /readyz /metrics port (0 picks one)")
    controllers: str = Field("*", description="comma-separated controllers to run, * for all")

    leader_elect_resource_name: str = "kube-controller-manager"

    concurrent_replicaset_syncs: int = 5
    concurrent_deployment_syncs: int = 5
    concurrent_endpoint_syncs: int = 5
    concurrent_gc_syncs: int = 20
    concurrent_namespace_syncs: int = 10

    node_monitor_period: float = Field(5.0, description="how often node health is checked")
    node_monitor_grace_period: float = Field(
        40.0, description="silence after which a node's Ready condition becomes Unknown"
    )
    node_startup_grace_period: float = Field(
        60.0, description="grace for a node that never reported Ready"
    )

    allocate_node_cidrs: bool = True
    cluster_cidr: str = "10.244.0.0/16"
    node_cidr_mask_size: int = 24
    skip_first_node_cidr: bool = Field(
        True, description="never hand out the first subnet (the lab's node addresses)"
    )

    def enabled(self) -> list[str]:
        """The controllers to run: `*`, names, and `-name` to leave one out (as Kubernetes)."""
        chosen: list[str] = []
        parts = [p.strip() for p in self.controllers.split(",") if p.strip()]
        if "*" in parts:
            chosen = list(ALL_CONTROLLERS)
        for p in parts:
            if p.startswith("-") and p[1:] in chosen:
                chosen.remove(p[1:])
            elif p in ALL_CONTROLLERS and p not in chosen:
                chosen.append(p)
            elif p != "*" and not p.startswith("-"):
                raise ValueError(f"unknown controller {p!r} (known: {', '.join(ALL_CONTROLLERS)})")
        return chosen
