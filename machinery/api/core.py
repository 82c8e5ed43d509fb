"""The core/v1 kinds: Namespace, Pod, Node, Service, Endpoints, Event, ConfigMap, Secret,
ServiceAccount, and the Binding / Eviction subresource bodies.

Field names are Kubernetes' JSON names (camelCase from the snake_case names, `wire_name`
where an acronym is capitalised). Optional fields default to None so `to_dict()` is as
small as what was read; fields Kubernetes requires default to their zero value so code
can use them without None checks. Fields not modelled here are still kept (extra="allow").
"""

from __future__ import annotations

from pydantic import Field

from machinery.api.base import Model, register
from machinery.api.meta import (
    Compact,
    Condition,
    DeleteOptions,
    IntOrString,
    LabelSelector,
    LocalObjectReference,
    ObjectReference,
    Quantities,
    TemplateMeta,
    TopLevel,
    wire_name,
)

# --------------------------------------------------------------------------- env


class ObjectFieldSelector(Model):
    api_version: str | None = None
    field_path: str = ""


class ResourceFieldSelector(Model):
    container_name: str | None = None
    resource: str = ""
    divisor: str | int | float | None = None


class ConfigMapKeySelector(Model):
    name: str | None = None
    key: str = ""
    optional: bool | None = None


class SecretKeySelector(Model):
    name: str | None = None
    key: str = ""
    optional: bool | None = None


class EnvVarSource(Model):
    field_ref: ObjectFieldSelector | None = None
    resource_field_ref: ResourceFieldSelector | None = None
    config_map_key_ref: ConfigMapKeySelector | None = None
    secret_key_ref: SecretKeySelector | None = None


class EnvVar(Model):
    name: str = ""
    value: str | None = None
    value_from: EnvVarSource | None = None


class ConfigMapEnvSource(Model):
    name: str | None = None
    optional: bool | None = None


class SecretEnvSource(Model):
    name: str | None = None
    optional: bool | None = None


class EnvFromSource(Model):
    prefix: str | None = None
    config_map_ref: ConfigMapEnvSource | None = None
    secret_ref: SecretEnvSource | None = None


# --------------------------------------------------------------------------- resources


class ResourceClaim(Model):
    name: str = ""
    request: str | None = None


class ResourceRequirements(Model):
    limits: Quantities | None = None
    requests: Quantities | None = None
    claims: list[ResourceClaim] | None = None


# --------------------------------------------------------------------------- probes, hooks


class HTTPHeader(Model):
    name: str = ""
    value: str = ""


class HTTPGetAction(Model):
    path: str | None = None
    port: IntOrString = 0
    host: str | None = None
    scheme: str | None = None  # HTTP, HTTPS
    http_headers: list[HTTPHeader] | None = None


class TCPSocketAction(Model):
    port: IntOrString = 0
    host: str | None = None


class ExecAction(Model):
    command: list[str] | None = None


class GRPCAction(Model):
    port: int = 0
    service: str | None = None


class SleepAction(Model):
    seconds: int = 0


class Probe(Model):
    exec: ExecAction | None = None
    http_get: HTTPGetAction | None = None
    tcp_socket: TCPSocketAction | None = None
    grpc: GRPCAction | None = None
    initial_delay_seconds: int | None = None
    timeout_seconds: int | None = None
    period_seconds: int | None = None
    success_threshold: int | None = None
    failure_threshold: int | None = None
    termination_grace_period_seconds: int | None = None


class LifecycleHandler(Model):
    exec: ExecAction | None = None
    http_get: HTTPGetAction | None = None
    tcp_socket: TCPSocketAction | None = None
    sleep: SleepAction | None = None


class Lifecycle(Model):
    post_start: LifecycleHandler | None = None
    pre_stop: LifecycleHandler | None = None
    stop_signal: str | None = None


# --------------------------------------------------------------------------- security


class Capabilities(Model):
    add: list[str] | None = None
    drop: list[str] | None = None


class SecurityContext(Model):
    """Container security context (the commonly used fields; the rest are kept as extras)."""

    capabilities: Capabilities | None = None
    privileged: bool | None = None
    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    read_only_root_filesystem: bool | None = None
    allow_privilege_escalation: bool | None = None
    proc_mount: str | None = None


class Sysctl(Model):
    name: str = ""
    value: str = ""


class PodSecurityContext(Model):
    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    fs_group: int | None = None
    fs_group_change_policy: str | None = None
    supplemental_groups: list[int] | None = None
    sysctls: list[Sysctl] | None = None


# --------------------------------------------------------------------------- containers


class ContainerPort(Model):
    name: str | None = None
    host_port: int | None = None
    container_port: int = 0
    protocol: str | None = None  # TCP, UDP, SCTP
    host_ip: str | None = wire_name("hostIP")


class VolumeMount(Model):
    name: str = ""
    mount_path: str = ""
    read_only: bool | None = None
    sub_path: str | None = None
    sub_path_expr: str | None = None
    mount_propagation: str | None = None
    recursive_read_only: str | None = None


class VolumeDevice(Model):
    name: str = ""
    device_path: str = ""


class ContainerResizePolicy(Model):
    resource_name: str = ""
    restart_policy: str = ""


class Container(Model):
    name: str = ""
    image: str | None = None
    command: list[str] | None = None
    args: list[str] | None = None
    working_dir: str | None = None
    ports: list[ContainerPort] | None = None
    env_from: list[EnvFromSource] | None = None
    env: list[EnvVar] | None = None
    resources: ResourceRequirements | None = None
    resize_policy: list[ContainerResizePolicy] | None = None
    restart_policy: str | None = None  # only "Always", for sidecar init containers
    volume_mounts: list[VolumeMount] | None = None
    volume_devices: list[VolumeDevice] | None = None
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    lifecycle: Lifecycle | None = None
    termination_message_path: str | None = None
    termination_message_policy: str | None = None
    image_pull_policy: str | None = None  # Always, IfNotPresent, Never
    security_context: SecurityContext | None = None
    stdin: bool | None = None
    stdin_once: bool | None = None
    tty: bool | None = None


# --------------------------------------------------------------------------- volumes


class KeyToPath(Model):
    key: str = ""
    path: str = ""
    mode: int | None = None


class EmptyDirVolumeSource(Model):
    medium: str | None = None  # "" or "Memory"
    size_limit: str | int | None = None


class HostPathVolumeSource(Model):
    path: str = ""
    type: str | None = None


class ConfigMapVolumeSource(Model):
    name: str | None = None
    items: list[KeyToPath] | None = None
    default_mode: int | None = None
    optional: bool | None = None


class SecretVolumeSource(Model):
    secret_name: str | None = None
    items: list[KeyToPath] | None = None
    default_mode: int | None = None
    optional: bool | None = None


class DownwardAPIVolumeFile(Model):
    path: str = ""
    field_ref: ObjectFieldSelector | None = None
    resource_field_ref: ResourceFieldSelector | None = None
    mode: int | None = None


class DownwardAPIVolumeSource(Model):
    items: list[DownwardAPIVolumeFile] | None = None
    default_mode: int | None = None


class ConfigMapProjection(Model):
    name: str | None = None
    items: list[KeyToPath] | None = None
    optional: bool | None = None


class SecretProjection(Model):
    name: str | None = None
    items: list[KeyToPath] | None = None
    optional: bool | None = None


class DownwardAPIProjection(Model):
    items: list[DownwardAPIVolumeFile] | None = None


class ServiceAccountTokenProjection(Model):
    audience: str | None = None
    expiration_seconds: int | None = None
    path: str = ""


class VolumeProjection(Model):
    secret: SecretProjection | None = None
    downward_api: DownwardAPIProjection | None = wire_name("downwardAPI")
    config_map: ConfigMapProjection | None = None
    service_account_token: ServiceAccountTokenProjection | None = None


class ProjectedVolumeSource(Model):
    sources: list[VolumeProjection] | None = None
    default_mode: int | None = None


class PersistentVolumeClaimVolumeSource(Model):
    claim_name: str = ""
    read_only: bool | None = None


class Volume(Model):
    """A pod volume: a name and one source (other source kinds are kept as extras)."""

    name: str = ""
    empty_dir: EmptyDirVolumeSource | None = None
    host_path: HostPathVolumeSource | None = None
    config_map: ConfigMapVolumeSource | None = None
    secret: SecretVolumeSource | None = None
    downward_api: DownwardAPIVolumeSource | None = wire_name("downwardAPI")
    projected: ProjectedVolumeSource | None = None
    persistent_volume_claim: PersistentVolumeClaimVolumeSource | None = None


# --------------------------------------------------------------------------- scheduling


class Toleration(Model):
    key: str | None = None
    operator: str | None = None  # Exists, Equal
    value: str | None = None
    effect: str | None = None  # NoSchedule, PreferNoSchedule, NoExecute
    toleration_seconds: int | None = None


class Taint(Model):
    key: str = ""
    value: str | None = None
    effect: str = ""
    time_added: str | None = None


class NodeSelectorRequirement(Model):
    key: str = ""
    operator: str = ""  # In, NotIn, Exists, DoesNotExist, Gt, Lt
    values: list[str] | None = None


class NodeSelectorTerm(Model):
    match_expressions: list[NodeSelectorRequirement] | None = None
    match_fields: list[NodeSelectorRequirement] | None = None


class NodeSelector(Model):
    node_selector_terms: list[NodeSelectorTerm] | None = None


class PreferredSchedulingTerm(Compact):
    OMIT_IF_EMPTY = ("preference",)

    weight: int = 0
    preference: NodeSelectorTerm = Field(default_factory=NodeSelectorTerm)


class NodeAffinity(Model):
    required_during_scheduling_ignored_during_execution: NodeSelector | None = None
    preferred_during_scheduling_ignored_during_execution: list[PreferredSchedulingTerm] | None = (
        None
    )


class PodAffinityTerm(Model):
    label_selector: LabelSelector | None = None
    namespaces: list[str] | None = None
    topology_key: str = ""
    namespace_selector: LabelSelector | None = None
    match_label_keys: list[str] | None = None
    mismatch_label_keys: list[str] | None = None


class WeightedPodAffinityTerm(Compact):
    OMIT_IF_EMPTY = ("pod_affinity_term",)

    weight: int = 0
    pod_affinity_term: PodAffinityTerm = Field(default_factory=PodAffinityTerm)


class PodAffinity(Model):
    required_during_scheduling_ignored_during_execution: list[PodAffinityTerm] | None = None
    preferred_during_scheduling_ignored_during_execution: list[WeightedPodAffinityTerm] | None = (
        None
    )


class PodAntiAffinity(Model):
    required_during_scheduling_ignored_during_execution: list[PodAffinityTerm] | None = None
    preferred_during_scheduling_ignored_during_execution: list[WeightedPodAffinityTerm] | None = (
        None
    )


class Affinity(Model):
    node_affinity: NodeAffinity | None = None
    pod_affinity: PodAffinity | None = None
    pod_anti_affinity: PodAntiAffinity | None = None


class TopologySpreadConstraint(Model):
    max_skew: int = 0
    topology_key: str = ""
    when_unsatisfiable: str = ""  # DoNotSchedule, ScheduleAnyway
    label_selector: LabelSelector | None = None
    min_domains: int | None = None
    node_affinity_policy: str | None = None
    node_taints_policy: str | None = None
    match_label_keys: list[str] | None = None


# --------------------------------------------------------------------------- pod


class PodDNSConfigOption(Model):
    name: str | None = None
    value: str | None = None


class PodDNSConfig(Model):
    nameservers: list[str] | None = None
    searches: list[str] | None = None
    options: list[PodDNSConfigOption] | None = None


class HostAlias(Model):
    ip: str = ""
    hostnames: list[str] | None = None


class PodReadinessGate(Model):
    condition_type: str = ""


class PodOS(Model):
    name: str = ""


class PodSchedulingGate(Model):
    name: str = ""


class PodSpec(Model):
    volumes: list[Volume] | None = None
    init_containers: list[Container] | None = None
    containers: list[Container] | None = None
    ephemeral_containers: list[Container] | None = None
    restart_policy: str | None = None  # Always, OnFailure, Never
    termination_grace_period_seconds: int | None = None
    active_deadline_seconds: int | None = None
    dns_policy: str | None = None
    node_selector: dict[str, str] | None = None
    service_account_name: str | None = None
    service_account: str | None = None  # deprecated alias of serviceAccountName
    automount_service_account_token: bool | None = None
    node_name: str | None = None
    host_network: bool | None = None
    host_pid: bool | None = wire_name("hostPID")
    host_ipc: bool | None = wire_name("hostIPC")
    host_users: bool | None = None
    share_process_namespace: bool | None = None
    security_context: PodSecurityContext | None = None
    image_pull_secrets: list[LocalObjectReference] | None = None
    hostname: str | None = None
    subdomain: str | None = None
    set_hostname_as_fqdn: bool | None = wire_name("setHostnameAsFQDN")
    affinity: Affinity | None = None
    scheduler_name: str | None = None
    tolerations: list[Toleration] | None = None
    host_aliases: list[HostAlias] | None = None
    priority_class_name: str | None = None
    priority: int | None = None
    preemption_policy: str | None = None
    dns_config: PodDNSConfig | None = None
    readiness_gates: list[PodReadinessGate] | None = None
    runtime_class_name: str | None = None
    enable_service_links: bool | None = None
    overhead: Quantities | None = None
    topology_spread_constraints: list[TopologySpreadConstraint] | None = None
    os: PodOS | None = None
    scheduling_gates: list[PodSchedulingGate] | None = None
    resources: ResourceRequirements | None = None


class PodCondition(Model):
    type: str = ""  # PodScheduled, Initialized, ContainersReady, Ready, ...
    status: str = ""  # "True", "False", "Unknown"
    observed_generation: int | None = None
    last_probe_time: str | None = None
    last_transition_time: str | None = None
    reason: str | None = None
    message: str | None = None


class ContainerStateWaiting(Model):
    reason: str | None = None
    message: str | None = None


class ContainerStateRunning(Model):
    started_at: str | None = None


class ContainerStateTerminated(Model):
    exit_code: int = 0
    signal: int | None = None
    reason: str | None = None
    message: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    container_id: str | None = wire_name("containerID")


class ContainerState(Model):
    """At most one of waiting, running, terminated is set (none means waiting)."""

    waiting: ContainerStateWaiting | None = None
    running: ContainerStateRunning | None = None
    terminated: ContainerStateTerminated | None = None


class ContainerStatus(Model):
    name: str = ""
    state: ContainerState | None = None
    last_state: ContainerState | None = None
    ready: bool = False
    restart_count: int = 0
    image: str = ""
    image_id: str = wire_name("imageID", "")
    container_id: str | None = wire_name("containerID")
    started: bool | None = None
    allocated_resources: Quantities | None = None
    resources: ResourceRequirements | None = None
    stop_signal: str | None = None


class PodIP(Model):
    ip: str = ""


class HostIP(Model):
    ip: str = ""


class PodStatus(Model):
    observed_generation: int | None = None
    phase: str | None = None  # Pending, Running, Succeeded, Failed, Unknown
    conditions: list[PodCondition] | None = None
    message: str | None = None
    reason: str | None = None
    nominated_node_name: str | None = None
    host_ip: str | None = wire_name("hostIP")
    host_ips: list[HostIP] | None = wire_name("hostIPs")
    pod_ip: str | None = wire_name("podIP")
    pod_ips: list[PodIP] | None = wire_name("podIPs")
    start_time: str | None = None
    init_container_statuses: list[ContainerStatus] | None = None
    container_statuses: list[ContainerStatus] | None = None
    ephemeral_container_statuses: list[ContainerStatus] | None = None
    qos_class: str | None = None  # Guaranteed, Burstable, BestEffort
    resize: str | None = None


class PodTemplateSpec(Compact):
    """A pod template in a workload's spec."""

    OMIT_IF_EMPTY = ("spec",)

    metadata: TemplateMeta | None = None
    spec: PodSpec = Field(default_factory=PodSpec)


@register
class Pod(TopLevel):
    API_VERSION = "v1"
    KIND = "Pod"

    spec: PodSpec = Field(default_factory=PodSpec)
    status: PodStatus = Field(default_factory=PodStatus)

    def condition(self, type_: str) -> PodCondition | None:
        """The status condition of that type, if any."""
        for c in self.status.conditions or []:
            if c.type == type_:
                return c
        return None

    def is_ready(self) -> bool:
        """The Ready condition is True (what Services and `READY` count)."""
        c = self.condition("Ready")
        return c is not None and c.status == "True"

    def is_terminal(self) -> bool:
        """Phase Succeeded or Failed: the pod will not run again."""
        return self.status.phase in ("Succeeded", "Failed")


# --------------------------------------------------------------------------- namespace


class NamespaceSpec(Model):
    finalizers: list[str] | None = None


class NamespaceCondition(Model):
    type: str = ""
    status: str = ""
    last_transition_time: str | None = None
    reason: str | None = None
    message: str | None = None


class NamespaceStatus(Model):
    phase: str | None = None  # Active, Terminating
    conditions: list[NamespaceCondition] | None = None


@register
class Namespace(TopLevel):
    API_VERSION = "v1"
    KIND = "Namespace"

    spec: NamespaceSpec = Field(default_factory=NamespaceSpec)
    status: NamespaceStatus = Field(default_factory=NamespaceStatus)


# --------------------------------------------------------------------------- node


class NodeSpec(Model):
    pod_cidr: str | None = wire_name("podCIDR")
    pod_cidrs: list[str] | None = wire_name("podCIDRs")
    provider_id: str | None = wire_name("providerID")
    unschedulable: bool | None = None
    taints: list[Taint] | None = None
    external_id: str | None = wire_name("externalID")  # deprecated


class NodeCondition(Model):
    type: str = ""  # Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable
    status: str = ""
    last_heartbeat_time: str | None = None
    last_transition_time: str | None = None
    reason: str | None = None
    message: str | None = None


class NodeAddress(Model):
    type: str = ""  # InternalIP, ExternalIP, Hostname, InternalDNS, ExternalDNS
    address: str = ""


class DaemonEndpoint(Model):
    port: int = wire_name("Port", 0)


class NodeDaemonEndpoints(Model):
    kubelet_endpoint: DaemonEndpoint | None = None


class NodeSystemInfo(Model):
    machine_id: str = wire_name("machineID", "")
    system_uuid: str = wire_name("systemUUID", "")
    boot_id: str = wire_name("bootID", "")
    kernel_version: str = ""
    os_image: str = ""
    container_runtime_version: str = ""
    kubelet_version: str = ""
    kube_proxy_version: str = ""
    operating_system: str = ""
    architecture: str = ""


class ContainerImage(Model):
    names: list[str] | None = None
    size_bytes: int | None = None


class AttachedVolume(Model):
    name: str = ""
    device_path: str = ""


class NodeStatus(Model):
    capacity: Quantities | None = None
    allocatable: Quantities | None = None
    phase: str | None = None  # deprecated
    conditions: list[NodeCondition] | None = None
    addresses: list[NodeAddress] | None = None
    daemon_endpoints: NodeDaemonEndpoints | None = None
    node_info: NodeSystemInfo | None = None
    images: list[ContainerImage] | None = None
    volumes_in_use: list[str] | None = None
    volumes_attached: list[AttachedVolume] | None = None


@register
class Node(TopLevel):
    API_VERSION = "v1"
    KIND = "Node"

    spec: NodeSpec = Field(default_factory=NodeSpec)
    status: NodeStatus = Field(default_factory=NodeStatus)

    def condition(self, type_: str) -> NodeCondition | None:
        """The status condition of that type, if any."""
        for c in self.status.conditions or []:
            if c.type == type_:
                return c
        return None

    def is_ready(self) -> bool:
        """The Ready condition is True."""
        c = self.condition("Ready")
        return c is not None and c.status == "True"

    def internal_ip(self) -> str | None:
        """The first InternalIP address, if any."""
        for a in self.status.addresses or []:
            if a.type == "InternalIP":
                return a.address
        return None


# --------------------------------------------------------------------------- service


class ServicePort(Model):
    name: str | None = None
    protocol: str | None = None  # TCP, UDP, SCTP
    app_protocol: str | None = None
    port: int = 0
    target_port: IntOrString | None = None
    node_port: int | None = None


class ClientIPConfig(Model):
    timeout_seconds: int | None = None


class SessionAffinityConfig(Model):
    client_ip: ClientIPConfig | None = wire_name("clientIP")


class ServiceSpec(Model):
    ports: list[ServicePort] | None = None
    selector: dict[str, str] | None = None
    cluster_ip: str | None = wire_name("clusterIP")
    cluster_ips: list[str] | None = wire_name("clusterIPs")
    type: str | None = None  # ClusterIP, NodePort, LoadBalancer, ExternalName
    external_ips: list[str] | None = wire_name("externalIPs")
    session_affinity: str | None = None  # None, ClientIP
    load_balancer_ip: str | None = wire_name("loadBalancerIP")
    load_balancer_source_ranges: list[str] | None = None
    external_name: str | None = None
    external_traffic_policy: str | None = None
    health_check_node_port: int | None = None
    publish_not_ready_addresses: bool | None = None
    session_affinity_config: SessionAffinityConfig | None = None
    ip_families: list[str] | None = None
    ip_family_policy: str | None = None
    allocate_load_balancer_node_ports: bool | None = None
    load_balancer_class: str | None = None
    internal_traffic_policy: str | None = None
    traffic_distribution: str | None = None


class PortStatus(Model):
    port: int = 0
    protocol: str = ""
    error: str | None = None


class LoadBalancerIngress(Model):
    ip: str | None = None
    hostname: str | None = None
    ip_mode: str | None = None
    ports: list[PortStatus] | None = None


class LoadBalancerStatus(Model):
    ingress: list[LoadBalancerIngress] | None = None


class ServiceStatus(Model):
    load_balancer: LoadBalancerStatus | None = None
    conditions: list[Condition] | None = None


@register
class Service(TopLevel):
    API_VERSION = "v1"
    KIND = "Service"

    spec: ServiceSpec = Field(default_factory=ServiceSpec)
    status: ServiceStatus = Field(default_factory=ServiceStatus)


# --------------------------------------------------------------------------- endpoints


class EndpointAddress(Model):
    ip: str = ""
    hostname: str | None = None
    node_name: str | None = None
    target_ref: ObjectReference | None = None


class EndpointPort(Model):
    name: str | None = None
    port: int = 0
    protocol: str | None = None
    app_protocol: str | None = None


class EndpointSubset(Model):
    addresses: list[EndpointAddress] | None = None
    not_ready_addresses: list[EndpointAddress] | None = None
    ports: list[EndpointPort] | None = None


@register
class Endpoints(TopLevel):
    API_VERSION = "v1"
    KIND = "Endpoints"

    subsets: list[EndpointSubset] | None = None


# --------------------------------------------------------------------------- event


class EventSource(Model):
    component: str | None = None
    host: str | None = None


class EventSeries(Model):
    count: int | None = None
    last_observed_time: str | None = None


@register
class Event(TopLevel):
    """core/v1 Event (what `kubectl describe` and `kubectl get events` show)."""

    API_VERSION = "v1"
    KIND = "Event"
    OMIT_IF_EMPTY = ("involved_object",)

    involved_object: ObjectReference = Field(default_factory=ObjectReference)
    reason: str | None = None
    message: str | None = None
    source: EventSource | None = None
    first_timestamp: str | None = None
    last_timestamp: str | None = None
    count: int | None = None
    type: str | None = None  # Normal, Warning
    event_time: str | None = None  # MicroTime
    series: EventSeries | None = None
    action: str | None = None
    related: ObjectReference | None = None
    reporting_component: str | None = None
    reporting_instance: str | None = None


# --------------------------------------------------------------------------- config


@register
class ConfigMap(TopLevel):
    API_VERSION = "v1"
    KIND = "ConfigMap"

    data: dict[str, str] | None = None
    binary_data: dict[str, str] | None = None  # base64
    immutable: bool | None = None


@register
class Secret(TopLevel):
    API_VERSION = "v1"
    KIND = "Secret"

    data: dict[str, str] | None = None  # base64
    string_data: dict[str, str] | None = None  # write-only, merged into data
    type: str | None = None  # Opaque, kubernetes.io/service-account-token, ...
    immutable: bool | None = None


@register
class ServiceAccount(TopLevel):
    API_VERSION = "v1"
    KIND = "ServiceAccount"

    secrets: list[ObjectReference] | None = None
    image_pull_secrets: list[LocalObjectReference] | None = None
    automount_service_account_token: bool | None = None


# --------------------------------------------------------------------------- subresource bodies


@register
class Binding(TopLevel):
    """The body of POST pods/{name}/binding: bind the pod to `target` (a Node)."""

    API_VERSION = "v1"
    KIND = "Binding"
    OMIT_IF_EMPTY = ("target",)

    target: ObjectReference = Field(default_factory=ObjectReference)


@register
class Eviction(TopLevel):
    """The body of POST pods/{name}/eviction (policy/v1)."""

    API_VERSION = "policy/v1"
    KIND = "Eviction"

    delete_options: DeleteOptions | None = None


__all__ = [
    "Affinity",
    "AttachedVolume",
    "Binding",
    "Capabilities",
    "ClientIPConfig",
    "ConfigMap",
    "ConfigMapEnvSource",
    "ConfigMapKeySelector",
    "ConfigMapProjection",
    "ConfigMapVolumeSource",
    "Container",
    "ContainerImage",
    "ContainerPort",
    "ContainerResizePolicy",
    "ContainerState",
    "ContainerStateRunning",
    "ContainerStateTerminated",
    "ContainerStateWaiting",
    "ContainerStatus",
    "DaemonEndpoint",
    "DownwardAPIProjection",
    "DownwardAPIVolumeFile",
    "DownwardAPIVolumeSource",
    "EmptyDirVolumeSource",
    "EndpointAddress",
    "EndpointPort",
    "EndpointSubset",
    "Endpoints",
    "EnvFromSource",
    "EnvVar",
    "EnvVarSource",
    "Event",
    "EventSeries",
    "EventSource",
    "Eviction",
    "ExecAction",
    "GRPCAction",
    "HTTPGetAction",
    "HTTPHeader",
    "HostAlias",
    "HostIP",
    "HostPathVolumeSource",
    "KeyToPath",
    "Lifecycle",
    "LifecycleHandler",
    "LoadBalancerIngress",
    "LoadBalancerStatus",
    "Namespace",
    "NamespaceCondition",
    "NamespaceSpec",
    "NamespaceStatus",
    "Node",
    "NodeAddress",
    "NodeAffinity",
    "NodeCondition",
    "NodeDaemonEndpoints",
    "NodeSelector",
    "NodeSelectorRequirement",
    "NodeSelectorTerm",
    "NodeSpec",
    "NodeStatus",
    "NodeSystemInfo",
    "ObjectFieldSelector",
    "PersistentVolumeClaimVolumeSource",
    "Pod",
    "PodAffinity",
    "PodAffinityTerm",
    "PodAntiAffinity",
    "PodCondition",
    "PodDNSConfig",
    "PodDNSConfigOption",
    "PodIP",
    "PodOS",
    "PodReadinessGate",
    "PodSchedulingGate",
    "PodSecurityContext",
    "PodSpec",
    "PodStatus",
    "PodTemplateSpec",
    "PortStatus",
    "PreferredSchedulingTerm",
    "Probe",
    "ProjectedVolumeSource",
    "ResourceClaim",
    "ResourceFieldSelector",
    "ResourceRequirements",
    "Secret",
    "SecretEnvSource",
    "SecretKeySelector",
    "SecretProjection",
    "SecretVolumeSource",
    "SecurityContext",
    "Service",
    "ServiceAccount",
    "ServiceAccountTokenProjection",
    "ServicePort",
    "ServiceSpec",
    "ServiceStatus",
    "SessionAffinityConfig",
    "SleepAction",
    "Sysctl",
    "TCPSocketAction",
    "Taint",
    "Toleration",
    "TopologySpreadConstraint",
    "Volume",
    "VolumeDevice",
    "VolumeMount",
    "VolumeProjection",
    "WeightedPodAffinityTerm",
]
