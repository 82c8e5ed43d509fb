"""The typed object model: wire names, round trips, defaults, helpers and timeutil."""

from __future__ import annotations

import copy
import inspect
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import BaseModel

import machinery.api as api
from machinery.api import (
    ConfigMap,
    ContainerStatus,
    CronJob,
    DaemonEndpoint,
    DaemonSet,
    Deployment,
    Endpoints,
    EndpointSlice,
    Event,
    GenericObject,
    Job,
    KubeObject,
    Lease,
    Namespace,
    Node,
    NodeCondition,
    NodeSpec,
    ObjectMeta,
    Pod,
    PodCondition,
    PodStatus,
    PodTemplateSpec,
    PriorityClass,
    ReplicaSet,
    Scale,
    Secret,
    Service,
    ServicePort,
    StatefulSet,
    TemplateMeta,
    from_wire,
    kind_class,
)
from machinery.resources import RESOURCES
from machinery.timeutil import format_time, now_rfc3339, now_rfc3339_micro, parse_time

# --------------------------------------------------------------------------- fixtures
# Objects as the apiserver returns them (after defaulting), each with a few fields the
# model does not know ("x-unknown...") at several depths: they must survive a round trip.

POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "name": "web-7d4b9c8f6d-x2x9q",
        "generateName": "web-7d4b9c8f6d-",
        "namespace": "default",
        "uid": "5b1c3e0e-1f7c-4a55-9d56-3d1f0f0c2b11",
        "resourceVersion": "123456",
        "creationTimestamp": "2024-05-01T12:00:00Z",
        "labels": {"app": "web", "pod-template-hash": "7d4b9c8f6d"},
        "annotations": {"kubernetes.io/psp": "restricted"},
        "ownerReferences": [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": "web-7d4b9c8f6d",
                "uid": "0c0b2d5e-7a3e-4e2f-9d7e-8f7c6b5a4d3c",
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
        "managedFields": [{"manager": "kube-controller-manager", "operation": "Update"}],
    },
    "spec": {
        "volumes": [
            {
                "name": "kube-api-access-abcde",
                "projected": {
                    "sources": [
                        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                        {
                            "configMap": {
                                "name": "kube-root-ca.crt",
                                "items": [{"key": "ca.crt", "path": "ca.crt"}],
                            }
                        },
                        {
                            "downwardAPI": {
                                "items": [
                                    {
                                        "path": "namespace",
                                        "fieldRef": {
                                            "apiVersion": "v1",
                                            "fieldPath": "metadata.namespace",
                                        },
                                    }
                                ]
                            }
                        },
                    ],
                    "defaultMode": 420,
                },
            },
            {"name": "cache", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
            {"name": "data", "hostPath": {"path": "/srv/data", "type": "DirectoryOrCreate"}},
            {"name": "conf", "configMap": {"name": "web-conf", "defaultMode": 420}},
            {"name": "tls", "secret": {"secretName": "web-tls", "defaultMode": 384}},
            {"name": "nfs", "nfs": {"server": "10.0.0.1", "path": "/export"}},
        ],
        "initContainers": [
            {
                "name": "migrate",
                "image": "web:1.2",
                "command": ["/bin/sh", "-c"],
                "args": ["./migrate"],
                "resources": {},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "imagePullPolicy": "IfNotPresent",
            }
        ],
        "containers": [
            {
                "name": "web",
                "image": "nginx:1.25",
                "ports": [
                    {"name": "http", "containerPort": 80, "protocol": "TCP"},
                    {
                        "containerPort": 9090,
                        "hostPort": 9090,
                        "hostIP": "0.0.0.0",
                        "protocol": "UDP",
                    },
                ],
                "envFrom": [{"configMapRef": {"name": "web-env"}, "prefix": "WEB_"}],
                "env": [
                    {"name": "MODE", "value": "prod"},
                    {
                        "name": "POD_IP",
                        "valueFrom": {
                            "fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}
                        },
                    },
                    {
                        "name": "PASSWORD",
                        "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}},
                    },
                    {
                        "name": "CPU_LIMIT",
                        "valueFrom": {
                            "resourceFieldRef": {
                                "containerName": "web",
                                "resource": "limits.cpu",
                                "divisor": "1m",
                            }
                        },
                    },
                ],
                "resources": {
                    "requests": {"cpu": "100m", "memory": "64Mi"},
                    "limits": {"cpu": 1, "memory": "128Mi", "example.com/gpu": 0.5},
                },
                "volumeMounts": [
                    {
                        "name": "kube-api-access-abcde",
                        "readOnly": True,
                        "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                    },
                    {"name": "cache", "mountPath": "/cache", "subPath": "web"},
                ],
                "livenessProbe": {
                    "tcpSocket": {"port": "http"},
                    "initialDelaySeconds": 5,
                    "timeoutSeconds": 1,
                    "periodSeconds": 10,
                    "successThreshold": 1,
                    "failureThreshold": 3,
                },
                "readinessProbe": {
                    "httpGet": {
                        "path": "/healthz",
                        "port": 80,
                        "scheme": "HTTP",
                        "httpHeaders": [{"name": "X-Probe", "value": "1"}],
                    },
                    "timeoutSeconds": 1,
                    "periodSeconds": 10,
                    "successThreshold": 1,
                    "failureThreshold": 3,
                },
                "startupProbe": {
                    "exec": {"command": ["cat", "/tmp/ready"]},
                    "timeoutSeconds": 1,
                    "periodSeconds": 10,
                    "successThreshold": 1,
                    "failureThreshold": 30,
                },
                "lifecycle": {
                    "postStart": {"exec": {"command": ["/bin/true"]}},
                    "preStop": {"httpGet": {"path": "/drain", "port": 80, "scheme": "HTTP"}},
                },
                "securityContext": {
                    "capabilities": {"add": ["NET_ADMIN"], "drop": ["ALL"]},
                    "runAsUser": 1000,
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "imagePullPolicy": "IfNotPresent",
                "x-unknownContainerField": {"kept": [1, 2, 3]},
            }
        ],
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "serviceAccountName": "default",
        "serviceAccount": "default",
        "nodeName": "node-1",
        "hostPID": False,
        "hostIPC": False,
        "setHostnameAsFQDN": False,
        "securityContext": {
            "fsGroup": 2000,
            "sysctls": [{"name": "net.core.somaxconn", "value": "1024"}],
        },
        "imagePullSecrets": [{"name": "regcred"}],
        "affinity": {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {
                            "matchExpressions": [
                                {"key": "disk", "operator": "In", "values": ["ssd"]}
                            ],
                            "matchFields": [
                                {"key": "metadata.name", "operator": "NotIn", "values": ["node-9"]}
                            ],
                        }
                    ]
                },
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "weight": 10,
                        "preference": {"matchExpressions": [{"key": "zone", "operator": "Exists"}]},
                    }
                ],
            },
            "podAntiAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "weight": 100,
                        "podAffinityTerm": {
                            "labelSelector": {"matchLabels": {"app": "web"}},
                            "topologyKey": "kubernetes.io/hostname",
                        },
                    }
                ]
            },
            "podAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "labelSelector": {
                            "matchExpressions": [
                                {"key": "app", "operator": "In", "values": ["cache"]}
                            ]
                        },
                        "namespaces": ["default"],
                        "topologyKey": "topology.kubernetes.io/zone",
                    }
                ]
            },
        },
        "schedulerName": "default-scheduler",
        "tolerations": [
            {
                "key": "node.kubernetes.io/not-ready",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
            {
                "key": "node.kubernetes.io/unreachable",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            },
            {"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"},
        ],
        "hostAliases": [{"ip": "10.0.0.9", "hostnames": ["db.local"]}],
        "priorityClassName": "high",
        "priority": 1000,
        "dnsConfig": {"options": [{"name": "ndots", "value": "2"}]},
        "enableServiceLinks": True,
        "preemptionPolicy": "PreemptLowerPriority",
        "topologySpreadConstraints": [
            {
                "maxSkew": 1,
                "topologyKey": "kubernetes.io/hostname",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": {"app": "web"}},
            }
        ],
    },
    "status": {
        "phase": "Running",
        "conditions": [
            {
                "type": "PodReadyToStartContainers",
                "status": "True",
                "lastTransitionTime": "2024-05-01T12:00:02Z",
            },
            {"type": "Initialized", "status": "True", "lastTransitionTime": "2024-05-01T12:00:03Z"},
            {"type": "Ready", "status": "True", "lastTransitionTime": "2024-05-01T12:00:05Z"},
            {
                "type": "ContainersReady",
                "status": "True",
                "lastTransitionTime": "2024-05-01T12:00:05Z",
            },
            {
                "type": "PodScheduled",
                "status": "True",
                "lastTransitionTime": "2024-05-01T12:00:00Z",
            },
        ],
        "hostIP": "10.244.0.2",
        "hostIPs": [{"ip": "10.244.0.2"}],
        "podIP": "10.244.1.5",
        "podIPs": [{"ip": "10.244.1.5"}],
        "startTime": "2024-05-01T12:00:01Z",
        "initContainerStatuses": [
            {
                "name": "migrate",
                "state": {
                    "terminated": {
                        "exitCode": 0,
                        "reason": "Completed",
                        "startedAt": "2024-05-01T12:00:02Z",
                        "finishedAt": "2024-05-01T12:00:03Z",
                        "containerID": "docker://aaaa",
                    }
                },
                "lastState": {},
                "ready": True,
                "restartCount": 0,
                "image": "web:1.2",
                "imageID": "docker-pullable://web@sha256:def",
                "containerID": "docker://aaaa",
                "started": False,
            }
        ],
        "containerStatuses": [
            {
                "name": "web",
                "state": {"running": {"startedAt": "2024-05-01T12:00:04Z"}},
                "lastState": {
                    "terminated": {
                        "exitCode": 137,
                        "reason": "OOMKilled",
                        "startedAt": "2024-05-01T11:00:00Z",
                        "finishedAt": "2024-05-01T12:00:00Z",
                    }
                },
                "ready": True,
                "restartCount": 1,
                "image": "nginx:1.25",
                "imageID": "docker-pullable://nginx@sha256:abc",
                "containerID": "docker://0123456789abcdef",
                "started": True,
            }
        ],
        "qosClass": "Burstable",
        "x-unknownStatusField": "kept",
    },
}

DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {
        "name": "web",
        "namespace": "default",
        "uid": "8f0c2d9e-0000-4000-8000-000000000001",
        "resourceVersion": "2041",
        "generation": 3,
        "creationTimestamp": "2024-05-01T11:59:00Z",
        "labels": {"app": "web"},
        "annotations": {"deployment.kubernetes.io/revision": "2"},
    },
    "spec": {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}, "annotations": {"restartedAt": "x"}},
            "spec": {
                "containers": [
                    {
                        "name": "web",
                        "image": "nginx:1.25",
                        "ports": [{"containerPort": 80, "protocol": "TCP"}],
                        "resources": {},
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File",
                        "imagePullPolicy": "IfNotPresent",
                    }
                ],
                "restartPolicy": "Always",
                "terminationGracePeriodSeconds": 30,
                "dnsPolicy": "ClusterFirst",
                "securityContext": {},
                "schedulerName": "default-scheduler",
            },
        },
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": 1},
        },
        "revisionHistoryLimit": 10,
        "progressDeadlineSeconds": 600,
        "minReadySeconds": 0,
        "paused": False,
    },
    "status": {
        "observedGeneration": 3,
        "replicas": 3,
        "updatedReplicas": 3,
        "readyReplicas": 3,
        "availableReplicas": 3,
        "conditions": [
            {
                "type": "Available",
                "status": "True",
                "lastUpdateTime": "2024-05-01T12:00:10Z",
                "lastTransitionTime": "2024-05-01T12:00:10Z",
                "reason": "MinimumReplicasAvailable",
                "message": "Deployment has minimum availability.",
            },
            {
                "type": "Progressing",
                "status": "True",
                "lastUpdateTime": "2024-05-01T12:00:10Z",
                "lastTransitionTime": "2024-05-01T11:59:00Z",
                "reason": "NewReplicaSetAvailable",
                "message": 'ReplicaSet "web-7d4b9c8f6d" has successfully progressed.',
            },
        ],
    },
}

NODE: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Node",
    "metadata": {
        "name": "node-1",
        "uid": "c1a2b3c4-0000-4000-8000-000000000002",
        "resourceVersion": "999",
        "creationTimestamp": "2024-05-01T10:00:00Z",
        "labels": {
            "kubernetes.io/hostname": "node-1",
            "kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
        },
        "annotations": {"node.alpha.kubernetes.io/ttl": "0"},
    },
    "spec": {
        "podCIDR": "10.244.1.0/24",
        "podCIDRs": ["10.244.1.0/24"],
        "providerID": "kubeling://node-1",
        "unschedulable": True,
        "taints": [
            {
                "key": "node.kubernetes.io/unschedulable",
                "effect": "NoSchedule",
                "timeAdded": "2024-05-01T12:00:00Z",
            }
        ],
    },
    "status": {
        "capacity": {"cpu": "4", "memory": "8048548Ki", "pods": "110", "ephemeral-storage": 100},
        "allocatable": {"cpu": "3800m", "memory": "7946148Ki", "pods": "110"},
        "conditions": [
            {
                "type": "MemoryPressure",
                "status": "False",
                "lastHeartbeatTime": "2024-05-01T12:00:00Z",
                "lastTransitionTime": "2024-05-01T10:00:00Z",
                "reason": "KubeletHasSufficientMemory",
                "message": "kubelet has sufficient memory available",
            },
            {
                "type": "Ready",
                "status": "True",
                "lastHeartbeatTime": "2024-05-01T12:00:00Z",
                "lastTransitionTime": "2024-05-01T10:00:05Z",
                "reason": "KubeletReady",
                "message": "kubelet is posting ready status",
            },
        ],
        "addresses": [
            {"type": "InternalIP", "address": "10.244.0.2"},
            {"type": "Hostname", "address": "node-1"},
        ],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        "nodeInfo": {
            "machineID": "0123456789abcdef0123456789abcdef",
            "systemUUID": "4c4c4544-0000-1000-8000-000000000000",
            "bootID": "e3b0c442-98fc-1c14-9afb-f4c8996fb924",
            "kernelVersion": "6.1.0-18-amd64",
            "osImage": "Debian GNU/Linux 12 (bookworm)",
            "containerRuntimeVersion": "docker://24.0.7",
            "kubeletVersion": "v1.32.0-kubeling",
            "kubeProxyVersion": "v1.32.0-kubeling",
            "operatingSystem": "linux",
            "architecture": "amd64",
        },
        "images": [
            {"names": ["nginx@sha256:abc", "nginx:1.25"], "sizeBytes": 187000000},
            {"names": ["registry.k8s.io/pause:3.9"], "sizeBytes": 744000},
        ],
        "runtimeHandlers": [{"name": "runc", "features": {"recursiveReadOnlyMounts": True}}],
    },
}

SERVICE: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {
        "name": "web",
        "namespace": "default",
        "uid": "5a5a5a5a-0000-4000-8000-000000000003",
        "resourceVersion": "3000",
        "creationTimestamp": "2024-05-01T12:00:00Z",
        "labels": {"app": "web"},
    },
    "spec": {
        "ports": [
            {
                "name": "http",
                "protocol": "TCP",
                "port": 80,
                "targetPort": "http",
                "nodePort": 30080,
            },
            {
                "name": "metrics",
                "protocol": "TCP",
                "port": 9090,
                "targetPort": 9090,
                "nodePort": 31090,
            },
        ],
        "selector": {"app": "web"},
        "clusterIP": "10.96.12.34",
        "clusterIPs": ["10.96.12.34"],
        "type": "LoadBalancer",
        "externalIPs": ["192.168.1.50"],
        "loadBalancerIP": "192.168.1.60",
        "sessionAffinity": "ClientIP",
        "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10800}},
        "externalTrafficPolicy": "Cluster",
        "ipFamilies": ["IPv4"],
        "ipFamilyPolicy": "SingleStack",
        "allocateLoadBalancerNodePorts": True,
        "internalTrafficPolicy": "Cluster",
    },
    "status": {"loadBalancer": {"ingress": [{"ip": "192.168.1.60", "ipMode": "VIP"}]}},
}

EVENT: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Event",
    "metadata": {
        "name": "web-7d4b9c8f6d-x2x9q.17c9a1b2c3d4e5f6",
        "namespace": "default",
        "uid": "e0e0e0e0-0000-4000-8000-000000000004",
        "resourceVersion": "4000",
        "creationTimestamp": "2024-05-01T12:00:00Z",
    },
    "involvedObject": {
        "kind": "Pod",
        "namespace": "default",
        "name": "web-7d4b9c8f6d-x2x9q",
        "uid": "5b1c3e0e-1f7c-4a55-9d56-3d1f0f0c2b11",
        "apiVersion": "v1",
        "resourceVersion": "123400",
        "fieldPath": "spec.containers{web}",
    },
    "reason": "Pulled",
    "message": 'Container image "nginx:1.25" already present on machine',
    "source": {"component": "kubelet", "host": "node-1"},
    "firstTimestamp": "2024-05-01T12:00:00Z",
    "lastTimestamp": "2024-05-01T12:05:00Z",
    "count": 3,
    "type": "Normal",
    "eventTime": "2024-05-01T12:00:00.123456Z",
    "series": {"count": 2, "lastObservedTime": "2024-05-01T12:05:00.000001Z"},
    "action": "Pull",
    "reportingComponent": "kubelet",
    "reportingInstance": "node-1",
}

OTHERS: list[dict[str, Any]] = [
    {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "team-a", "labels": {"kubernetes.io/metadata.name": "team-a"}},
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    },
    {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "web", "namespace": "default"},
        "subsets": [
            {
                "addresses": [
                    {
                        "ip": "10.244.1.5",
                        "nodeName": "node-1",
                        "targetRef": {
                            "kind": "Pod",
                            "namespace": "default",
                            "name": "web-1",
                            "uid": "u1",
                        },
                    }
                ],
                "notReadyAddresses": [{"ip": "10.244.2.7", "hostname": "web-2"}],
                "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
            }
        ],
    },
    {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            "name": "web-abcde",
            "namespace": "default",
            "labels": {"kubernetes.io/service-name": "web"},
        },
        "addressType": "IPv4",
        "endpoints": [
            {
                "addresses": ["10.244.1.5"],
                "conditions": {"ready": True, "serving": True, "terminating": False},
                "nodeName": "node-1",
                "targetRef": {"kind": "Pod", "namespace": "default", "name": "web-1", "uid": "u1"},
            }
        ],
        "ports": [{"name": "http", "protocol": "TCP", "port": 80}],
    },
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "web-conf", "namespace": "default"},
        "data": {"nginx.conf": "events {}\n"},
        "binaryData": {"logo.png": "iVBORw0KGgo="},
        "immutable": True,
    },
    {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db", "namespace": "default"},
        "type": "Opaque",
        "data": {"password": "aHVudGVyMg=="},
    },
    {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": "default", "namespace": "default"},
        "secrets": [{"name": "default-token"}],
        "imagePullSecrets": [{"name": "regcred"}],
        "automountServiceAccountToken": False,
    },
    {
        "apiVersion": "v1",
        "kind": "Binding",
        "metadata": {"name": "web-1", "namespace": "default"},
        "target": {"apiVersion": "v1", "kind": "Node", "name": "node-1"},
    },
    {
        "apiVersion": "policy/v1",
        "kind": "Eviction",
        "metadata": {"name": "web-1", "namespace": "default"},
        "deleteOptions": {
            "gracePeriodSeconds": 0,
            "preconditions": {"uid": "u1", "resourceVersion": "7"},
            "propagationPolicy": "Background",
            "dryRun": ["All"],
        },
    },
    {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": "web-7d4b9c8f6d",
            "namespace": "default",
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": "web",
                    "uid": "d1",
                    "controller": True,
                }
            ],
        },
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web", "pod-template-hash": "7d4b9c8f6d"}},
            "template": {
                "metadata": {"labels": {"app": "web", "pod-template-hash": "7d4b9c8f6d"}},
                "spec": {"containers": [{"name": "web", "image": "nginx"}]},
            },
        },
        "status": {
            "replicas": 2,
            "fullyLabeledReplicas": 2,
            "readyReplicas": 1,
            "observedGeneration": 1,
        },
    },
    {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "agent", "namespace": "kube-system"},
        "spec": {
            "selector": {"matchExpressions": [{"key": "app", "operator": "Exists"}]},
            "template": {
                "metadata": {"labels": {"app": "agent"}},
                "spec": {"containers": [{"name": "a", "image": "agent"}], "hostNetwork": True},
            },
            "updateStrategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0},
            },
            "revisionHistoryLimit": 10,
        },
        "status": {
            "currentNumberScheduled": 3,
            "numberMisscheduled": 0,
            "desiredNumberScheduled": 3,
            "numberReady": 3,
            "updatedNumberScheduled": 3,
            "numberAvailable": 3,
        },
    },
    {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db", "namespace": "default"},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "db"}},
            "template": {
                "metadata": {"labels": {"app": "db"}},
                "spec": {"containers": [{"name": "db", "image": "redis"}]},
            },
            "volumeClaimTemplates": [
                {
                    "apiVersion": "v1",
                    "kind": "PersistentVolumeClaim",
                    "metadata": {"name": "data"},
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "1Gi"}},
                        "volumeMode": "Filesystem",
                    },
                    "status": {"phase": "Pending"},
                }
            ],
            "serviceName": "db",
            "podManagementPolicy": "OrderedReady",
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
            "persistentVolumeClaimRetentionPolicy": {
                "whenDeleted": "Retain",
                "whenScaled": "Retain",
            },
        },
        "status": {
            "replicas": 3,
            "readyReplicas": 3,
            "currentReplicas": 3,
            "updatedReplicas": 3,
            "currentRevision": "db-5d8f",
            "updateRevision": "db-5d8f",
            "collisionCount": 0,
            "availableReplicas": 3,
        },
    },
    {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "pi", "namespace": "default"},
        "spec": {
            "parallelism": 1,
            "completions": 1,
            "backoffLimit": 6,
            "activeDeadlineSeconds": 100,
            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "j1"}},
            "manualSelector": False,
            "template": {
                "metadata": {"labels": {"batch.kubernetes.io/controller-uid": "j1"}},
                "spec": {
                    "containers": [{"name": "pi", "image": "perl", "command": ["perl", "-e", "1"]}],
                    "restartPolicy": "Never",
                },
            },
            "completionMode": "NonIndexed",
            "suspend": False,
            "podReplacementPolicy": "TerminatingOrFailed",
            "podFailurePolicy": {
                "rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [42]}}]
            },
        },
        "status": {
            "conditions": [
                {
                    "type": "Complete",
                    "status": "True",
                    "lastProbeTime": "2024-05-01T12:01:00Z",
                    "lastTransitionTime": "2024-05-01T12:01:00Z",
                }
            ],
            "startTime": "2024-05-01T12:00:00Z",
            "completionTime": "2024-05-01T12:01:00Z",
            "succeeded": 1,
            "terminating": 0,
            "uncountedTerminatedPods": {},
            "ready": 0,
        },
    },
    {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "hello", "namespace": "default"},
        "spec": {
            "schedule": "*/1 * * * *",
            "timeZone": "Etc/UTC",
            "concurrencyPolicy": "Forbid",
            "suspend": False,
            "jobTemplate": {
                "metadata": {},
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [{"name": "c", "image": "busybox"}],
                            "restartPolicy": "OnFailure",
                        }
                    }
                },
            },
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 1,
        },
        "status": {
            "active": [
                {"kind": "Job", "namespace": "default", "name": "hello-28571234", "uid": "j2"}
            ],
            "lastScheduleTime": "2024-05-01T12:00:00Z",
        },
    },
    {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": "node-1", "namespace": "kube-node-lease"},
        "spec": {
            "holderIdentity": "node-1",
            "leaseDurationSeconds": 40,
            "acquireTime": "2024-05-01T10:00:00.000000Z",
            "renewTime": "2024-05-01T12:00:00.123456Z",
            "leaseTransitions": 0,
        },
    },
    {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": "high"},
        "value": 1000000,
        "globalDefault": False,
        "description": "important",
        "preemptionPolicy": "PreemptLowerPriority",
    },
    {
        "apiVersion": "autoscaling/v1",
        "kind": "Scale",
        "metadata": {"name": "web", "namespace": "default", "resourceVersion": "5"},
        "spec": {"replicas": 5},
        "status": {"replicas": 3, "selector": "app=web"},
    },
]

FULL = [POD, DEPLOYMENT, NODE, SERVICE, EVENT]


def _with_unknowns(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy with unknown fields at the top, in metadata, and in spec/status if present."""
    out = copy.deepcopy(obj)
    out["x-unknownTop"] = {"nested": [{"a": 1}], "n": None}
    out["metadata"]["x-unknownMeta"] = "m"
    for key in ("spec", "status"):
        if isinstance(out.get(key), dict):
            out[key][f"x-unknown-{key}"] = [1, "two", 3.5, True]
    # JSON null inside an unknown field is kept (only model fields drop None)
    return out


# --------------------------------------------------------------------------- model walk


def _model_classes() -> list[type[BaseModel]]:
    out = []
    for name in api.__all__:
        obj = getattr(api, name)
        if inspect.isclass(obj) and issubclass(obj, BaseModel):
            out.append(obj)
    return out


def _wire_names(cls: type[BaseModel]) -> dict[str, str]:
    """python name -> the JSON name used to write and to read the field."""
    out = {}
    for name, f in cls.model_fields.items():
        ser = f.serialization_alias or f.alias or name
        val = f.validation_alias or f.alias or name
        assert ser == val, f"{cls.__name__}.{name}: reads {val!r} but writes {ser!r}"
        out[name] = ser
    return out


# An acronym Kubernetes spells in capitals, miscased by to_camel (podIp, imageId...).
_MISCASED = re.compile(r"(Ip|Ips|Id|Ids|Cidr|Cidrs|Uuid|Ipc|Pid|Fqdn|Uid|Api|Url|Dns)(?=[A-Z]|$)")


def test_no_miscased_acronyms_in_wire_names() -> None:
    bad = []
    for cls in _model_classes():
        for name, wire in _wire_names(cls).items():
            if _MISCASED.search(wire):
                bad.append(f"{cls.__name__}.{name} -> {wire}")
    assert bad == []


def test_explicit_wire_names() -> None:
    expect = {
        (api.PodStatus, "pod_ip"): "podIP",
        (api.PodStatus, "pod_ips"): "podIPs",
        (api.PodStatus, "host_ip"): "hostIP",
        (api.PodStatus, "host_ips"): "hostIPs",
        (api.PodSpec, "host_pid"): "hostPID",
        (api.PodSpec, "host_ipc"): "hostIPC",
        (api.PodSpec, "host_network"): "hostNetwork",
        (api.PodSpec, "set_hostname_as_fqdn"): "setHostnameAsFQDN",
        (api.ContainerPort, "host_ip"): "hostIP",
        (api.ContainerStatus, "image_id"): "imageID",
        (api.ContainerStatus, "container_id"): "containerID",
        (api.ContainerStateTerminated, "container_id"): "containerID",
        (api.ServiceSpec, "cluster_ip"): "clusterIP",
        (api.ServiceSpec, "cluster_ips"): "clusterIPs",
        (api.ServiceSpec, "external_ips"): "externalIPs",
        (api.ServiceSpec, "load_balancer_ip"): "loadBalancerIP",
        (api.ServiceSpec, "ip_families"): "ipFamilies",
        (api.SessionAffinityConfig, "client_ip"): "clientIP",
        (api.NodeSpec, "pod_cidr"): "podCIDR",
        (api.NodeSpec, "pod_cidrs"): "podCIDRs",
        (api.NodeSpec, "provider_id"): "providerID",
        (api.NodeSpec, "external_id"): "externalID",
        (api.NodeSystemInfo, "machine_id"): "machineID",
        (api.NodeSystemInfo, "system_uuid"): "systemUUID",
        (api.NodeSystemInfo, "boot_id"): "bootID",
        (api.DaemonEndpoint, "port"): "Port",
        (api.Volume, "downward_api"): "downwardAPI",
        (api.VolumeProjection, "downward_api"): "downwardAPI",
        (api.ListMeta, "continue_"): "continue",
    }
    for (cls, name), wire in expect.items():
        assert _wire_names(cls)[name] == wire, (cls.__name__, name)


# The official client's models (from Kubernetes' OpenAPI) name every field: each of ours must
# be one of them. Classes whose client name is not "V1" + our name:
_CLIENT_NAMES = {
    "Event": "CoreV1Event",
    "EventSeries": "CoreV1EventSeries",
    "EndpointPort": "CoreV1EndpointPort",
    "EndpointSlicePort": "DiscoveryV1EndpointPort",
    "ResourceClaim": "CoreV1ResourceClaim",
    "TemplateMeta": "V1ObjectMeta",
}
_OURS_ONLY = {"Model", "KubeObject", "GenericObject", "TopLevel"}


def test_wire_names_match_the_kubernetes_openapi_models() -> None:
    kc = pytest.importorskip("kubernetes.client")
    unknown = []
    for cls in _model_classes():
        if cls.__name__ in _OURS_ONLY:
            continue
        ref = getattr(kc, _CLIENT_NAMES.get(cls.__name__, "V1" + cls.__name__))
        theirs = {f.serialization_alias or f.alias or n for n, f in ref.model_fields.items()}
        unknown += [f"{cls.__name__}.{w}" for w in _wire_names(cls).values() if w not in theirs]
    assert unknown == []


# --------------------------------------------------------------------------- kinds


_REQUIRED_SCALARS: dict[str, dict[str, Any]] = {
    "CronJob": {"spec": {"schedule": ""}},
    "EndpointSlice": {"addressType": ""},
    "PriorityClass": {"value": 0},
}


def test_every_served_kind_is_typed_and_registered() -> None:
    for r in RESOURCES:
        cls = kind_class(r.api_version, r.kind)
        assert cls is not GenericObject, r.kind
        assert r.api_version == cls.API_VERSION and r.kind == cls.KIND
        obj = cls()
        assert (obj.api_version, obj.kind) == (r.api_version, r.kind)
        # only the fields Kubernetes requires appear, with their zero values
        required = _REQUIRED_SCALARS.get(r.kind, {})
        assert obj.to_dict() == {
            "apiVersion": r.api_version,
            "kind": r.kind,
            "metadata": {"name": ""},
            **required,
        }


def test_bare_objects_have_empty_spec_and_status() -> None:
    pod = Pod()
    assert pod.spec.containers is None and pod.status.phase is None
    assert Deployment().spec.template.spec.containers is None
    assert Node().status.conditions is None
    assert Service().spec.ports is None
    assert Lease().spec.holder_identity is None


@pytest.mark.parametrize("wire", [*FULL, *OTHERS], ids=lambda d: f"{d['apiVersion']}/{d['kind']}")
def test_round_trip_exact(wire: dict[str, Any]) -> None:
    obj = from_wire(wire)
    assert type(obj) is kind_class(wire["apiVersion"], wire["kind"])
    assert obj.to_dict() == wire
    cls = type(obj)
    assert cls.from_dict(wire).to_dict() == wire
    assert cls.model_validate_json(cls.model_validate(wire).model_dump_json()).to_dict() == wire


@pytest.mark.parametrize("wire", [*FULL, *OTHERS], ids=lambda d: d["kind"])
def test_round_trip_keeps_unknown_fields(wire: dict[str, Any]) -> None:
    wire = _with_unknowns(wire)
    assert from_wire(wire).to_dict() == wire


def test_unknown_kind_is_generic_and_round_trips() -> None:
    wire = {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "namespace": "default"},
        "spec": {"size": 3},
    }
    obj = from_wire(wire)
    assert type(obj) is GenericObject
    assert obj.to_dict() == wire


def test_typed_access_after_parse() -> None:
    pod = Pod.from_dict(POD)
    c = (pod.spec.containers or [])[0]
    assert c.ports is not None and c.ports[1].host_ip == "0.0.0.0"
    assert (
        c.readiness_probe and c.readiness_probe.http_get and c.readiness_probe.http_get.port == 80
    )
    assert c.liveness_probe and c.liveness_probe.tcp_socket
    assert c.liveness_probe.tcp_socket.port == "http"
    assert c.resources and c.resources.limits == {
        "cpu": 1,
        "memory": "128Mi",
        "example.com/gpu": 0.5,
    }
    assert pod.status.pod_ip == "10.244.1.5" and pod.status.host_ip == "10.244.0.2"
    cs = (pod.status.container_statuses or [])[0]
    assert (
        cs.image_id.startswith("docker-pullable://")
        and cs.container_id == "docker://0123456789abcdef"
    )
    assert cs.state and cs.state.running and cs.state.running.started_at == "2024-05-01T12:00:04Z"
    assert cs.last_state and cs.last_state.terminated and cs.last_state.terminated.exit_code == 137
    assert pod.spec.affinity and pod.spec.affinity.node_affinity
    assert pod.metadata.controller_ref() is not None
    assert pod.key == "default/web-7d4b9c8f6d-x2x9q"

    node = Node.from_dict(NODE)
    assert node.spec.pod_cidr == "10.244.1.0/24" and node.spec.provider_id == "kubeling://node-1"
    assert node.status.daemon_endpoints and node.status.daemon_endpoints.kubelet_endpoint
    assert node.status.daemon_endpoints.kubelet_endpoint.port == 10250
    assert node.status.node_info and node.status.node_info.system_uuid.startswith("4c4c")
    assert node.status.capacity and node.status.capacity["ephemeral-storage"] == 100
    assert node.key == "node-1"

    svc = Service.from_dict(SERVICE)
    ports = svc.spec.ports or []
    assert ports[0].target_port == "http" and ports[1].target_port == 9090
    assert isinstance(ports[1].target_port, int)
    assert svc.spec.cluster_ip == "10.96.12.34" and svc.spec.external_ips == ["192.168.1.50"]

    dep = Deployment.from_dict(DEPLOYMENT)
    ru = dep.spec.strategy and dep.spec.strategy.rolling_update
    assert ru and ru.max_unavailable == "25%" and ru.max_surge == 1
    assert dep.spec.template.metadata and dep.spec.template.metadata.labels == {"app": "web"}

    ev = Event.from_dict(EVENT)
    assert ev.involved_object.name == "web-7d4b9c8f6d-x2x9q" and ev.count == 3


def test_int_or_string_and_quantities_keep_their_type() -> None:
    for value in (8080, "8080", "http"):
        port = ServicePort.model_validate({"port": 80, "targetPort": value})
        assert port.target_port == value and type(port.target_port) is type(value)
        assert port.to_dict()["targetPort"] == value
    res = api.ResourceRequirements.model_validate(
        {"requests": {"cpu": "250m", "memory": 1024, "x": 0.5, "pods": "110"}}
    )
    assert res.requests == {"cpu": "250m", "memory": 1024, "x": 0.5, "pods": "110"}
    assert [type(v) for v in (res.requests or {}).values()] == [str, int, float, str]


def test_constructors_take_python_names_and_write_wire_names() -> None:
    status = PodStatus(pod_ip="10.0.0.1", host_ip="10.0.0.2", phase="Running")
    assert status.to_dict() == {"podIP": "10.0.0.1", "hostIP": "10.0.0.2", "phase": "Running"}
    assert ContainerStatus(name="c", image="i", image_id="sha").to_dict() == {
        "name": "c",
        "ready": False,
        "restartCount": 0,
        "image": "i",
        "imageID": "sha",
    }
    assert DaemonEndpoint(port=10250).to_dict() == {"Port": 10250}
    assert NodeSpec(pod_cidr="10.244.1.0/24").to_dict() == {"podCIDR": "10.244.1.0/24"}
    # the wire names are accepted too
    assert PodStatus.model_validate({"podIP": "1.2.3.4"}).pod_ip == "1.2.3.4"


def test_new_objects_are_minimal() -> None:
    pod = Pod(metadata=ObjectMeta(name="p", namespace="ns"))
    assert pod.to_dict() == {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "ns"},
    }
    pod.spec.containers = [api.Container(name="c", image="nginx")]
    assert pod.to_dict()["spec"] == {"containers": [{"name": "c", "image": "nginx"}]}
    assert "status" not in pod.to_dict()
    pod.status.phase = "Pending"
    assert pod.to_dict()["status"] == {"phase": "Pending"}
    # an empty spec/status that was read or assigned is written back
    read = Deployment.from_dict(
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "status": {}}
    )
    assert read.to_dict()["status"] == {} and "spec" not in read.to_dict()
    ns = Namespace(metadata=ObjectMeta(name="x"), status=api.NamespaceStatus())
    assert ns.to_dict() == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "x"},
        "status": {},
    }


def test_selector_nil_and_empty_stay_different() -> None:
    base = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r"}, "spec": {}}
    assert ReplicaSet.from_dict(base).spec.selector is None
    with_empty = copy.deepcopy(base)
    with_empty["spec"]["selector"] = {}
    rs = ReplicaSet.from_dict(with_empty)
    assert rs.spec.selector is not None and rs.spec.selector.match_labels is None
    assert rs.to_dict() == with_empty


def test_template_metadata_without_name() -> None:
    tmpl = PodTemplateSpec.model_validate({"metadata": {"labels": {"a": "b"}}, "spec": {}})
    assert isinstance(tmpl.metadata, TemplateMeta) and tmpl.metadata.name == ""
    assert tmpl.to_dict() == {"metadata": {"labels": {"a": "b"}}, "spec": {}}
    assert TemplateMeta(name="x").to_dict() == {"name": "x"}
    # a template's metadata can seed a real object's metadata
    pod = Pod(metadata=ObjectMeta.model_validate(tmpl.metadata.to_dict()))
    assert pod.metadata.labels == {"a": "b"}


def test_explicit_nulls_are_dropped() -> None:
    # JSON null means "unset" in Kubernetes; to_dict() leaves None out.
    wire = copy.deepcopy(DEPLOYMENT)
    wire["spec"]["template"]["metadata"]["creationTimestamp"] = None
    wire["status"]["collisionCount"] = None
    assert Deployment.from_dict(wire).to_dict() == DEPLOYMENT


@pytest.mark.parametrize("how", ["clone", "model_copy"])
def test_copies_do_not_share_state(how: str) -> None:
    cached = Pod.from_dict(POD)
    mine = cached.clone() if how == "clone" else cached.model_copy(deep=True)
    assert type(mine) is Pod and mine.to_dict() == POD
    mine.metadata.labels = {**(mine.metadata.labels or {}), "new": "1"}
    (mine.spec.containers or [])[0].image = "nginx:2"
    (mine.status.conditions or [])[0].status = "False"
    assert mine.to_dict() != POD
    assert cached.to_dict() == POD


def test_clone_keeps_minimal_form() -> None:
    pod = Pod(metadata=ObjectMeta(name="p"))
    assert pod.clone().to_dict() == pod.to_dict()
    dep = Deployment.from_dict(DEPLOYMENT)
    assert dep.clone().to_dict() == DEPLOYMENT


def test_other_kinds_typed_fields() -> None:
    by_kind = {o["kind"]: from_wire(o) for o in OTHERS}
    eps = by_kind["Endpoints"]
    assert isinstance(eps, Endpoints)
    addr = (eps.subsets or [])[0].addresses or []
    assert addr[0].target_ref and addr[0].target_ref.name == "web-1"
    sl = by_kind["EndpointSlice"]
    assert isinstance(sl, EndpointSlice) and sl.address_type == "IPv4"
    assert (sl.endpoints or [])[0].conditions == api.EndpointConditions(
        ready=True, serving=True, terminating=False
    )
    lease = by_kind["Lease"]
    assert isinstance(lease, Lease) and lease.spec.lease_duration_seconds == 40
    assert isinstance(by_kind["PriorityClass"], PriorityClass)
    assert by_kind["PriorityClass"].value == 1000000  # type: ignore[attr-defined]
    scale = by_kind["Scale"]
    assert (
        isinstance(scale, Scale) and scale.spec.replicas == 5 and scale.status.selector == "app=web"
    )
    ds = by_kind["DaemonSet"]
    assert (
        isinstance(ds, DaemonSet)
        and ds.spec.update_strategy
        and ds.spec.update_strategy.rolling_update
    )
    sts = by_kind["StatefulSet"]
    assert (
        isinstance(sts, StatefulSet)
        and (sts.spec.volume_claim_templates or [])[0].metadata.name == "data"
    )
    cj = by_kind["CronJob"]
    assert (
        isinstance(cj, CronJob)
        and cj.spec.job_template.spec.template.spec.restart_policy == "OnFailure"
    )
    job = by_kind["Job"]
    assert isinstance(job, Job) and job.condition("Complete") is not None
    ev = by_kind["Eviction"]
    assert (
        isinstance(ev, api.Eviction)
        and ev.delete_options
        and ev.delete_options.grace_period_seconds == 0
    )
    cm = by_kind["ConfigMap"]
    assert isinstance(cm, ConfigMap) and cm.immutable is True
    assert isinstance(by_kind["Secret"], Secret)
    binding = by_kind["Binding"]
    assert isinstance(binding, api.Binding) and binding.target.name == "node-1"


# --------------------------------------------------------------------------- helpers


def test_pod_helpers() -> None:
    pod = Pod.from_dict(POD)
    assert pod.is_ready() and not pod.is_terminal()
    ready = pod.condition("Ready")
    assert isinstance(ready, PodCondition) and ready.status == "True"
    assert pod.condition("Nope") is None
    assert not Pod().is_ready()
    pod.status.conditions = [PodCondition(type="Ready", status="False")]
    assert not pod.is_ready()
    pod.status.phase = "Failed"
    assert pod.is_terminal()


def test_node_helpers() -> None:
    node = Node.from_dict(NODE)
    assert node.is_ready() and node.internal_ip() == "10.244.0.2"
    cond = node.condition("MemoryPressure")
    assert isinstance(cond, NodeCondition) and cond.status == "False"
    assert Node().internal_ip() is None and not Node().is_ready()


def test_deployment_condition() -> None:
    dep = Deployment.from_dict(DEPLOYMENT)
    avail = dep.condition("Available")
    assert avail and avail.reason == "MinimumReplicasAvailable"
    assert Deployment().condition("Available") is None


def test_kube_object_subclasses() -> None:
    for cls in _model_classes():
        if issubclass(cls, KubeObject) and cls.KIND:
            assert kind_class(cls.API_VERSION, cls.KIND) is cls


# --------------------------------------------------------------------------- timeutil


def test_now_formats() -> None:
    s = now_rfc3339()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s)
    m = now_rfc3339_micro()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", m)
    assert abs(parse_time(s) - datetime.now(UTC)) < timedelta(seconds=5)


def test_parse_time_accepts_rfc3339_forms() -> None:
    want = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
    for text in (
        "2024-05-01T12:00:00Z",
        "2024-05-01T12:00:00z",
        "2024-05-01t12:00:00Z",
        "2024-05-01T12:00:00+00:00",
        "2024-05-01T14:00:00+02:00",
        "2024-05-01T07:30:00-04:30",
        "2024-05-01T12:00:00.000Z",
        "2024-05-01T12:00:00.000000000Z",
        "2024-05-01 12:00:00Z",
        "2024-05-01T12:00:00",  # no offset: UTC
    ):
        got = parse_time(text)
        assert got.tzinfo is not None and got == want, text
    frac = parse_time("2024-05-01T12:00:00.123456789+01:00")
    assert frac.microsecond == 123456 and frac.utcoffset() == timedelta(hours=1)
    assert parse_time("2024-05-01T12:00:00.5Z").microsecond == 500000


@pytest.mark.parametrize("bad", ["", "yesterday", "2024-05-01T12:00:00.Z", "2024-13-01T00:00:00Z"])
def test_parse_time_rejects_garbage(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_time(bad)


def test_format_time() -> None:
    dt = datetime(2024, 5, 1, 14, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert format_time(dt) == "2024-05-01T12:00:00Z"
    assert format_time(dt, micro=True) == "2024-05-01T12:00:00.123456Z"
    assert format_time(datetime(2024, 5, 1, 12, 0, 0)) == "2024-05-01T12:00:00Z"  # naive = UTC
    assert parse_time(format_time(dt, micro=True)) == dt
