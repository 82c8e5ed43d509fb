"""Pod volumes and the references containers make to config: env sources, envFrom.

Kubeling's kubelet mounts emptyDir, hostPath, configMap, secret, downwardAPI, projected
and persistentVolumeClaim volumes; any other Kubernetes volume type is refused here
rather than accepted and left to fail on the node.
"""

from __future__ import annotations

from typing import Any

from .common import (
    Errs,
    as_bool,
    as_dict,
    as_list,
    as_str,
    check_enum,
    check_msgs,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
    required_detail,
    type_error,
)
from .names import (
    config_key_msgs,
    dns1123_label_msgs,
    dns1123_subdomain_msgs,
    env_var_name_msgs,
)
from .resources import quantity_or_cause

SUPPORTED_SOURCES = (
    "emptyDir",
    "hostPath",
    "configMap",
    "secret",
    "downwardAPI",
    "projected",
    "persistentVolumeClaim",
)
# Every volume source Kubernetes knows; only SUPPORTED_SOURCES are accepted.
ALL_SOURCES = (
    *SUPPORTED_SOURCES,
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
)
HOST_PATH_TYPES = (
    "",
    "BlockDevice",
    "CharDevice",
    "Directory",
    "DirectoryOrCreate",
    "File",
    "FileOrCreate",
    "Socket",
)
POD_FIELD_PATHS = (
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
)
ENV_RESOURCES = (
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
)


def validate_volumes(errs: Errs, path: str, value: Any) -> set[str]:
    """Validate `volumes`; returns the set of declared names (for volumeMounts)."""
    names: set[str] = set()
    vols = as_list(errs, path, value)
    for i, vol in enumerate(vols or ()):
        p = f"{path}[{i}]"
        v = as_dict(errs, p, vol)
        if v is None:
            continue
        name = as_str(errs, f"{p}.name", v.get("name"))
        if not name:
            errs.append(required(f"{p}.name"))
        else:
            check_msgs(errs, f"{p}.name", name, dns1123_label_msgs)
            if name in names:
                errs.append(duplicate(f"{p}.name", name))
            names.add(name)
        _source(errs, p, v)
    return names


def _source(errs: Errs, p: str, v: dict[str, Any]) -> None:
    found = [k for k in ALL_SOURCES if v.get(k) is not None]
    if not found:
        errs.append(required_detail(p, "must specify a volume type"))
        return
    for extra in found[1:]:
        errs.append(forbidden(f"{p}.{extra}", "may not specify more than 1 volume type"))
    kind = found[0]
    sp = f"{p}.{kind}"
    if kind not in SUPPORTED_SOURCES:
        errs.append(forbidden(sp, "volume type is not supported by kubeling"))
        return
    src = as_dict(errs, sp, v[kind])
    if src is None:
        return
    if kind == "emptyDir":
        check_enum(errs, f"{sp}.medium", src.get("medium"), ("", "Memory"))
        if src.get("sizeLimit") is not None:
            quantity_or_cause(errs, f"{sp}.sizeLimit", src["sizeLimit"])
    elif kind == "hostPath":
        hp = as_str(errs, f"{sp}.path", src.get("path"))
        if not hp:
            errs.append(required(f"{sp}.path"))
        t = src.get("type")
        if t is not None and t not in HOST_PATH_TYPES:
            errs.append(not_supported(f"{sp}.type", t, list(HOST_PATH_TYPES)))
    elif kind in ("configMap", "secret"):
        _object_source(errs, sp, src, "name" if kind == "configMap" else "secretName")
    elif kind == "downwardAPI":
        _mode(errs, f"{sp}.defaultMode", src.get("defaultMode"))
        _downward_items(errs, f"{sp}.items", src.get("items"))
    elif kind == "projected":
        _mode(errs, f"{sp}.defaultMode", src.get("defaultMode"))
        _projected(errs, f"{sp}.sources", src.get("sources"))
    elif kind == "persistentVolumeClaim":
        claim = as_str(errs, f"{sp}.claimName", src.get("claimName"))
        if not claim:
            errs.append(required(f"{sp}.claimName"))
        as_bool(errs, f"{sp}.readOnly", src.get("readOnly"))


def _object_source(errs: Errs, sp: str, src: dict[str, Any], name_key: str) -> None:
    name = as_str(errs, f"{sp}.{name_key}", src.get(name_key))
    if not name:
        errs.append(required(f"{sp}.{name_key}"))
    _mode(errs, f"{sp}.defaultMode", src.get("defaultMode"))
    as_bool(errs, f"{sp}.optional", src.get("optional"))
    items = as_list(errs, f"{sp}.items", src.get("items"))
    for i, item in enumerate(items or ()):
        q = f"{sp}.items[{i}]"
        it = as_dict(errs, q, item)
        if it is None:
            continue
        key = as_str(errs, f"{q}.key", it.get("key"))
        if not key:
            errs.append(required(f"{q}.key"))
        _local_path(errs, f"{q}.path", it.get("path"))
        _mode(errs, f"{q}.mode", it.get("mode"))


def _projected(errs: Errs, path: str, value: Any) -> None:
    sources = as_list(errs, path, value)
    for i, s in enumerate(sources or ()):
        q = f"{path}[{i}]"
        src = as_dict(errs, q, s)
        if src is None:
            continue
        kinds = [
            k
            for k in (
                "configMap",
                "secret",
                "downwardAPI",
                "serviceAccountToken",
                "clusterTrustBundle",
            )
            if src.get(k) is not None
        ]
        if not kinds:
            errs.append(
                required_detail(
                    q,
                    "must specify exactly 1 of configMap, secret, downwardAPI, serviceAccountToken",
                )
            )
        for extra in kinds[1:]:
            errs.append(forbidden(f"{q}.{extra}", "may not specify more than 1 volume type"))
        for kind in kinds[:1]:
            body = as_dict(errs, f"{q}.{kind}", src[kind])
            if body is None:
                continue
            if kind in ("configMap", "secret"):
                _object_source(errs, f"{q}.{kind}", body, "name")
            elif kind == "downwardAPI":
                _downward_items(errs, f"{q}.{kind}.items", body.get("items"))
            elif kind == "serviceAccountToken":
                _local_path(errs, f"{q}.{kind}.path", body.get("path"))


def _downward_items(errs: Errs, path: str, value: Any) -> None:
    items = as_list(errs, path, value)
    for i, item in enumerate(items or ()):
        q = f"{path}[{i}]"
        it = as_dict(errs, q, item)
        if it is None:
            continue
        _local_path(errs, f"{q}.path", it.get("path"))
        _mode(errs, f"{q}.mode", it.get("mode"))
        has_field, has_res = it.get("fieldRef") is not None, it.get("resourceFieldRef") is not None
        if has_field and has_res:
            errs.append(
                invalid(
                    q,
                    "resource",
                    "fieldRef and resourceFieldRef can not be specified simultaneously",
                )
            )
        elif has_field:
            _field_ref(errs, f"{q}.fieldRef", it["fieldRef"])
        elif has_res:
            _resource_ref(
                errs, f"{q}.resourceFieldRef", it["resourceFieldRef"], need_container=True
            )
        else:
            errs.append(required(f"{q}.fieldRef"))


def _local_path(errs: Errs, path: str, value: Any) -> None:
    p = as_str(errs, path, value)
    if not p:
        errs.append(required(path))
        return
    if p.startswith("/"):
        errs.append(invalid(path, p, "must be a relative path"))
    parts = p.split("/")
    if ".." in parts:
        errs.append(invalid(path, p, "must not contain '..'"))
    elif p.startswith(".."):
        errs.append(invalid(path, p, "must not start with '..'"))


def _mode(errs: Errs, path: str, value: Any) -> None:
    if value is None:
        return
    if type(value) is not int:
        errs.append(type_error(path, value, "an integer"))
    elif not 0 <= value <= 0o777:
        errs.append(
            invalid(path, value, "must be a number between 0 and 0777 (octal), both inclusive")
        )


def _field_ref(errs: Errs, path: str, value: Any) -> None:
    ref = as_dict(errs, path, value)
    if ref is None:
        return
    api_version = as_str(errs, f"{path}.apiVersion", ref.get("apiVersion"))
    if not api_version:
        errs.append(required(f"{path}.apiVersion"))
    fp = as_str(errs, f"{path}.fieldPath", ref.get("fieldPath"))
    if not fp:
        errs.append(required(f"{path}.fieldPath"))
        return
    base = fp.split("[", 1)[0] if fp.endswith("']") else fp
    if base not in POD_FIELD_PATHS or (
        base != fp and base not in ("metadata.labels", "metadata.annotations")
    ):
        errs.append(not_supported(f"{path}.fieldPath", fp, list(POD_FIELD_PATHS)))


def _resource_ref(errs: Errs, path: str, value: Any, *, need_container: bool) -> None:
    ref = as_dict(errs, path, value)
    if ref is None:
        return
    container = as_str(errs, f"{path}.containerName", ref.get("containerName"))
    if need_container and not container:
        errs.append(required(f"{path}.containerName"))
    res = as_str(errs, f"{path}.resource", ref.get("resource"))
    if not res:
        errs.append(required(f"{path}.resource"))
    elif res not in ENV_RESOURCES and not res.startswith(
        ("limits.hugepages-", "requests.hugepages-")
    ):
        errs.append(not_supported(f"{path}.resource", res, list(ENV_RESOURCES)))
    if ref.get("divisor") is not None:
        quantity_or_cause(errs, f"{path}.divisor", ref["divisor"])


def _key_ref(errs: Errs, path: str, value: Any) -> None:
    ref = as_dict(errs, path, value)
    if ref is None:
        return
    name = as_str(errs, f"{path}.name", ref.get("name"))
    check_msgs(errs, f"{path}.name", name or "", dns1123_subdomain_msgs)
    key = as_str(errs, f"{path}.key", ref.get("key"))
    if not key:
        errs.append(required(f"{path}.key"))
    else:
        check_msgs(errs, f"{path}.key", key, config_key_msgs)
    as_bool(errs, f"{path}.optional", ref.get("optional"))


def validate_env_var_source(errs: Errs, path: str, value: Any) -> None:
    """`valueFrom`: exactly one of fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef."""
    src = as_dict(errs, path, value)
    if src is None:
        return
    kinds = [
        k
        for k in ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef")
        if src.get(k) is not None
    ]
    if not kinds:
        errs.append(
            invalid(
                path,
                "",
                "must specify one of: `fieldRef`, `resourceFieldRef`, "
                "`configMapKeyRef` or `secretKeyRef`",
            )
        )
        return
    if len(kinds) > 1:
        errs.append(invalid(path, "", "may not have more than one field specified at a time"))
        return
    kind = kinds[0]
    if kind == "fieldRef":
        _field_ref(errs, f"{path}.fieldRef", src[kind])
    elif kind == "resourceFieldRef":
        _resource_ref(errs, f"{path}.resourceFieldRef", src[kind], need_container=False)
    else:
        _key_ref(errs, f"{path}.{kind}", src[kind])


def validate_env_from(errs: Errs, path: str, value: Any) -> None:
    items = as_list(errs, path, value)
    for i, item in enumerate(items or ()):
        q = f"{path}[{i}]"
        ef = as_dict(errs, q, item)
        if ef is None:
            continue
        prefix = as_str(errs, f"{q}.prefix", ef.get("prefix"))
        if prefix:
            check_msgs(errs, f"{q}.prefix", prefix, env_var_name_msgs)
        kinds = [k for k in ("configMapRef", "secretRef") if ef.get(k) is not None]
        if not kinds:
            errs.append(invalid(q, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif len(kinds) > 1:
            errs.append(invalid(q, "", "may not have more than one field specified at a time"))
        else:
            ref = as_dict(errs, f"{q}.{kinds[0]}", ef[kinds[0]])
            if ref is not None:
                name = as_str(errs, f"{q}.{kinds[0]}.name", ref.get("name"))
                check_msgs(errs, f"{q}.{kinds[0]}.name", name or "", dns1123_subdomain_msgs)
