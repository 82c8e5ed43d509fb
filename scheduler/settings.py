"""kubeling-scheduler's settings: every field is a flag and a KUBELING_ env var."""

from __future__ import annotations

from pydantic import Field

from machinery.leaderelection import LeaderElectionSettings


class SchedulerSettings(LeaderElectionSettings):
    """kubeling-scheduler: places pending pods on nodes."""

    kubeconfig: str = Field("", description="kubeconfig file (default: the usual lookup)")
    health_bind_address: str = Field("127.0.0.1", description="address of the health server")
    port: int = Field(10259, description="/livez /readyz /metrics port (0 picks a free one)")
    leader_elect_resource_name: str = Field("kube-scheduler", description="the Lease's name")
    identity: str = Field("", description="this replica's name in the Lease (hostname_pid)")
    parallel_binds: int = Field(64, description="bind calls in flight (decisions are serial)")
    percentage_of_nodes_to_score: int = Field(
        0, description="feasible nodes to find, in percent (0: Kubernetes' adaptive default)"
    )
    pod_initial_backoff_seconds: float = Field(1.0, description="first retry delay of a pod")
    pod_max_backoff_seconds: float = Field(10.0, description="longest retry delay of a pod")
    grace_period: float = Field(5.0, description="seconds to finish work on shutdown")
