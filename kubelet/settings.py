"""The kubelet's flags (each also KUBELING_<NAME> in the environment); parsed in __main__."""

from __future__ import annotations

import socket

from pydantic import Field

from machinery.settings import ComponentSettings


class KubeletSettings(ComponentSettings):
    """kubeling-kubelet: runs the pods bound to this node."""

    kubeconfig: str = Field(default="", description="kubeconfig file of the API server")
    node_name: str = Field(default_factory=socket.gethostname, description="this node's name")
    runtime: str = Field(default="docker", description="container runtime: docker or fake")
    root_dir: str = Field(default="/var/lib/kubeling-kubelet", description="pod volumes live here")
    address: str = Field(default="127.0.0.1", description="bind address of the kubelet API")
    port: int = Field(default=10250, description="port of the kubelet API (logs, stats, healthz)")
    node_ip: str = Field(default="127.0.0.1", description="InternalIP published on the Node")
    pod_cidr: str = Field(
        default="10.88.0.0/24", description="pod network when the Node has no podCIDR"
    )
    pause_image: str = "kubeling/pause:latest"
    pull_registries: str = Field(
        default="",
        description="comma-separated registries the kubelet may pull from (none: local only)",
    )
    node_labels: str = Field(default="", description="extra node labels, k=v,k2=v2")
    cpu: str = Field(default="", description="cpu capacity (default: the machine's)")
    memory: str = Field(default="", description="memory capacity (default: the machine's)")
    max_pods: int = 110
    node_lease_duration_seconds: int = 40
    node_lease_renew_interval: float = 10.0
    node_status_update_frequency: float = 10.0
    node_status_report_frequency: float = 300.0
    crashloop_backoff_initial: float = 10.0
    crashloop_backoff_max: float = 300.0
    image_backoff_initial: float = 10.0
    image_backoff_max: float = 300.0
    housekeeping_interval: float = 10.0
    static_pod_path: str = Field(default="", description="directory of static pod manifests")
    docker_host: str = Field(
        default="", description="Docker endpoint (default: DOCKER_HOST or the socket)"
    )
