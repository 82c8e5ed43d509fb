"""`python -m apiserver` / `kubeling-apiserver`: parse settings, serve."""

from __future__ import annotations

import sys

import uvicorn

from apiserver.app import create_app
from apiserver.settings import ApiServerSettings
from machinery import logs, settings


def main(argv: list[str] | None = None) -> None:
    s = settings.parse(
        ApiServerSettings, argv if argv is not None else sys.argv[1:], prog="kubeling-apiserver"
    )
    logs.setup(s.log_level, "apiserver")
    app = create_app(s)
    uvicorn.run(
        app,
        host=s.bind_address,
        port=s.port,
        log_level="warning",
        access_log=False,
        loop="uvloop",
        http="httptools",
        timeout_graceful_shutdown=3,
    )


if __name__ == "__main__":
    main()
