"""`python -m controller_manager` / `kubeling-controller-manager`: parse flags, run."""

from __future__ import annotations

from controller_manager.manager import Manager
from controller_manager.settings import ControllerManagerSettings
from machinery.component import Component, run_component
from machinery.settings import parse


def main() -> None:
    settings = parse(ControllerManagerSettings, prog="kubeling-controller-manager")
    manager = Manager(settings)

    def setup(component: Component) -> None:
        component.checks.add_ready("informers-synced", manager.ready)
        component.on_shutdown(manager.shutdown)

    run_component(
        "controller-manager",
        settings,
        manager.run,
        health_host=settings.health_bind_address,
        health_port=settings.health_port,
        setup=setup,
    )


if __name__ == "__main__":
    main()
