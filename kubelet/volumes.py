"""Pod volumes on the node: emptyDir, hostPath, configMap and secret, shared by a pod's containers.

Each pod gets `<root-dir>/pods/<uid>/volumes/<name>/`. configMap and secret volumes are
written there as one file per key (or per `items` entry, with defaultMode / mode) and
mounted read-only; emptyDir is that directory (medium Memory: a tmpfs volume of the
runtime); hostPath is the host's path. `mounts()` turns a container's volumeMounts into
runtime mounts. Everything under the pod directory goes when the pod is cleaned up.
"""

from __future__ import annotations

import base64
import logging
import os
import shutil
from pathlib import Path
from typing import Protocol

from kubelet.runtime import L_POD_UID, ContainerRuntime, Mount, RuntimeError_
from machinery.api import ConfigMap, Container, KeyToPath, Pod, Secret, Volume

log = logging.getLogger(__name__)


class ObjectSource(Protocol):
    """Where configMaps and secrets come from (the API, or a dict in unit tests)."""

    async def config_map(self, namespace: str, name: str) -> ConfigMap | None: ...

    async def secret(self, namespace: str, name: str) -> Secret | None: ...


class ConfigError(RuntimeError_):
    """A referenced configMap, secret or key is missing: CreateContainerConfigError."""

    def __init__(self, message: str) -> None:
        super().__init__("CreateContainerConfigError", message)


def memory_volume_name(uid: str, volume: str) -> str:
    return f"kubeling-{uid}-{volume}"


class VolumeManager:
    def __init__(self, root_dir: Path, runtime: ContainerRuntime, objects: ObjectSource) -> None:
        self.root_dir = root_dir
        self.runtime = runtime
        self.objects = objects

    def pod_dir(self, uid: str) -> Path:
        return self.root_dir / "pods" / uid

    def volume_dir(self, uid: str, name: str) -> Path:
        return self.pod_dir(uid) / "volumes" / name

    async def setup(self, pod: Pod) -> None:
        """Create or refresh every volume of the pod (raises ConfigError when one cannot be)."""
        uid = pod.metadata.uid or ""
        ns = pod.metadata.namespace or "default"
        for v in pod.spec.volumes or []:
            d = self.volume_dir(uid, v.name)
            if v.empty_dir is not None:
                if (v.empty_dir.medium or "") == "Memory":
                    await self.runtime.create_memory_volume(
                        memory_volume_name(uid, v.name), {L_POD_UID: uid}
                    )
                else:
                    d.mkdir(parents=True, exist_ok=True)
                    d.chmod(0o777)
            elif v.host_path is not None:
                kind = v.host_path.type or ""
                path = Path(v.host_path.path)
                if kind == "DirectoryOrCreate":
                    path.mkdir(parents=True, exist_ok=True)
                elif kind == "FileOrCreate" and not path.exists():
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.touch()
                elif kind in ("Directory", "File") and not path.exists():
                    raise ConfigError(f"hostPath type check failed: {path} does not exist")
            elif v.config_map is not None:
                await self._config_map(ns, v, d)
            elif v.secret is not None:
                await self._secret(ns, v, d)
            else:
                log.info(
                    "volume type not supported, using an empty dir pod=%s volume=%s",
                    pod.key,
                    v.name,
                )
                d.mkdir(parents=True, exist_ok=True)

    async def _config_map(self, ns: str, v: Volume, d: Path) -> None:
        src = v.config_map
        assert src is not None
        cm = await self.objects.config_map(ns, src.name or "")
        if cm is None:
            if src.optional:
                _write(d, {}, [], src.default_mode)
                return
            raise ConfigError(f'configmap "{src.name}" not found')
        data = {k: val.encode() for k, val in (cm.data or {}).items()}
        data.update({k: base64.b64decode(val) for k, val in (cm.binary_data or {}).items()})
        _write(d, data, src.items or [], src.default_mode, optional=bool(src.optional))

    async def _secret(self, ns: str, v: Volume, d: Path) -> None:
        src = v.secret
        assert src is not None
        secret = await self.objects.secret(ns, src.secret_name or "")
        if secret is None:
            if src.optional:
                _write(d, {}, [], src.default_mode)
                return
            raise ConfigError(f'secret "{src.secret_name}" not found')
        data = {k: base64.b64decode(val) for k, val in (secret.data or {}).items()}
        data.update({k: val.encode() for k, val in (secret.string_data or {}).items()})
        _write(d, data, src.items or [], src.default_mode, optional=bool(src.optional))

    def mounts(self, pod: Pod, container: Container) -> list[Mount]:
        uid = pod.metadata.uid or ""
        volumes = {v.name: v for v in pod.spec.volumes or []}
        out = []
        for vm in container.volume_mounts or []:
            v = volumes.get(vm.name)
            if v is None:
                raise ConfigError(f"volume {vm.name!r} is not defined")
            read_only = bool(vm.read_only)
            if v.empty_dir is not None and (v.empty_dir.medium or "") == "Memory":
                out.append(
                    Mount(
                        vm.mount_path, volume=memory_volume_name(uid, v.name), read_only=read_only
                    )
                )
                continue
            if v.host_path is not None:
                source = Path(v.host_path.path)
            else:
                source = self.volume_dir(uid, v.name)
                if v.config_map is not None or v.secret is not None:
                    read_only = True
            if vm.sub_path:
                source = source / vm.sub_path
                if not source.exists() and v.host_path is None:
                    source.mkdir(parents=True, exist_ok=True)
            out.append(Mount(vm.mount_path, source=str(source), read_only=read_only))
        return out

    async def cleanup(self, uid: str) -> None:
        await self.runtime.remove_pod_volumes(uid)
        shutil.rmtree(self.pod_dir(uid), ignore_errors=True)


def _write(
    d: Path,
    data: dict[str, bytes],
    items: list[KeyToPath],
    default_mode: int | None,
    *,
    optional: bool = False,
) -> None:
    """Replace the directory's files with the keys (or items), like the atomic writer."""
    mode = 0o644 if default_mode is None else default_mode
    files: dict[str, tuple[bytes, int]] = {}
    if items:
        for item in items:
            if item.key not in data:
                if optional:
                    continue
                raise ConfigError(f"key {item.key!r} not found")
            files[item.path] = (data[item.key], mode if item.mode is None else item.mode)
    else:
        files = {k: (val, mode) for k, val in data.items()}
    tmp = d.with_name(d.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for rel, (content, m) in files.items():
        target = tmp / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        os.chmod(target, m)
    if d.exists():
        old = [p.name for p in d.iterdir()]
        for name in old:  # keep the directory itself: it is bind-mounted into containers
            p = d / name
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    else:
        d.mkdir(parents=True)
    for p in tmp.iterdir():
        p.rename(d / p.name)
    tmp.rmdir()
