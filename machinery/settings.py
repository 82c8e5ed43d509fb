"""Component settings: one pydantic-settings model per component, every field a flag.

Each field `foo_bar` is the flag `--foo-bar` and the env var `KUBELING_FOO_BAR`; a flag
beats the env, the env beats the default. Parsed only in a component's `__main__`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic_settings import BaseSettings, SettingsConfigDict

S = TypeVar("S", bound="ComponentSettings")


class ComponentSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KUBELING_", extra="ignore")

    log_level: str = "INFO"


def parse(cls: type[S], argv: Sequence[str] | None = None, *, prog: str = "") -> S:
    parser = argparse.ArgumentParser(prog=prog or None, description=cls.__doc__)
    for name, field in cls.model_fields.items():
        flag = "--" + name.replace("_", "-")
        env = "KUBELING_" + name.upper()
        help_text = f"{field.description or ''} (env {env}, default {field.default!r})".strip()
        if field.annotation is bool:
            parser.add_argument(
                flag, dest=name, default=None, action=argparse.BooleanOptionalAction, help=help_text
            )
        else:
            parser.add_argument(flag, dest=name, default=None, help=help_text)
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {k: v for k, v in vars(args).items() if v is not None}
    return cls(**overrides)
