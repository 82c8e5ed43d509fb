"""key=value logging for every component (one format, one level flag)."""

from __future__ import annotations

import logging
import sys


def setup(level: str = "INFO", component: str = "") -> None:
    fmt = "time=%(asctime)s level=%(levelname)s"
    if component:
        fmt += f" component={component}"
    fmt += " logger=%(name)s msg=%(message)s"
    logging.basicConfig(stream=sys.stderr, level=level.upper(), format=fmt, force=True)
