"""The API server's settings (flags and KUBELING_* env twins)."""

from __future__ import annotations

from pydantic import Field

from machinery.settings import ComponentSettings


class ApiServerSettings(ComponentSettings):
    """kubeling-apiserver: Kubernetes REST + watch over etcd."""

    etcd_servers: str = Field(
        "http://127.0.0.1:2379", description="etcd endpoint(s), comma-separated"
    )
    bind_address: str = Field("127.0.0.1", description="address to listen on")
    port: int = Field(6443, description="port to listen on (plain HTTP for now)")
    advertise_address: str = Field("", description="address published in the kubernetes Endpoints")
    service_cluster_ip_range: str = Field("10.96.0.0/16", description="CIDR for Service ClusterIPs")
    service_node_port_range: str = Field("30000-32767", description="port range for NodePorts")
    etcd_compaction_interval: float = Field(
        300.0, description="seconds between etcd compactions; 0 disables"
    )
    watch_cache_size: int = Field(10000, description="events kept per resource for watch resume")
    watch_bookmark_interval: float = Field(60.0, description="seconds between watch bookmarks")
    min_request_timeout: float = Field(
        1800.0, description="watch timeout when none is asked (randomised up to 2x)"
    )
    kubelet_timeout: float = Field(5.0, description="seconds to connect to a kubelet for logs")
