"""`python -m kubelet` / kubeling-kubelet: settings in, a running node agent out."""

from __future__ import annotations

import asyncio
from pathlib import Path

from kubelet.kubelet import Kubelet
from kubelet.runtime import ContainerRuntime
from kubelet.server import KubeletServer
from kubelet.settings import KubeletSettings
from machinery.client import Client
from machinery.component import Component, run_component
from machinery.kubeconfig import load
from machinery.settings import parse


def make_runtime(settings: KubeletSettings) -> ContainerRuntime:
    if settings.runtime == "fake":
        from kubelet.fake_runtime import FakeRuntime

        return FakeRuntime()
    if settings.runtime == "docker":
        from kubelet.docker_runtime import DockerRuntime

        return DockerRuntime(
            node_name=settings.node_name,
            pause_image=settings.pause_image,
            base_url=settings.docker_host or None,
        )
    raise SystemExit(f"unknown runtime {settings.runtime!r} (docker or fake)")


def main() -> None:
    settings = parse(KubeletSettings, prog="kubeling-kubelet")
    Path(settings.root_dir).mkdir(parents=True, exist_ok=True)
    config = load(settings.kubeconfig or None)
    runtime = make_runtime(settings)
    client = Client(config, user_agent=f"kubeling-kubelet/{settings.node_name}")
    kubelet = Kubelet(settings, client, runtime, network_probes=settings.runtime != "fake")
    api = KubeletServer(runtime, kubelet.informer.cache, node_name=settings.node_name)

    async def run(stop: asyncio.Event) -> None:
        try:
            await kubelet.run(stop)
        finally:
            await client.close()
            await runtime.close()

    def setup(component: Component) -> None:
        component.checks.add_ready("synced", kubelet.synced)
        api.install(component.server)

    run_component(
        "kubelet",
        settings,
        run,
        health_host=settings.address,
        health_port=settings.port,
        grace_period=10.0,
        setup=setup,
    )


if __name__ == "__main__":
    main()
