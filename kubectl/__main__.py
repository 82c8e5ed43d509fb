"""`kubeling`: the entry point. Verbs are imported only when they run, so startup stays fast.

`python -X importtime -m kubectl get pods` should show click, yaml/orjson and one verb
module, never the pydantic object model or aiohttp.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from kubectl.context import global_options

# verb -> "module:attribute" under kubectl.cmd
VERBS: dict[str, str] = {
    "get": "get:get",
    "describe": "describe:describe",
    "events": "events:events",
    "apply": "apply:apply",
    "create": "create:create",
    "replace": "apply:replace",
    "delete": "delete:delete",
    "scale": "scale:scale",
    "set": "scale:set_",
    "label": "label:label",
    "annotate": "label:annotate",
    "rollout": "rollout:rollout",
    "run": "create:run",
    "expose": "create:expose",
    "logs": "logs:logs",
    "exec": "logs:exec_",
    "cordon": "node:cordon",
    "uncordon": "node:uncordon",
    "drain": "node:drain",
    "api-resources": "info:api_resources",
    "version": "info:version",
    "config": "config:config",
    "completion": "completion:completion",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are loaded from VERBS on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(VERBS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = VERBS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        cmd = getattr(importlib.import_module(f"kubectl.cmd.{module}"), attr)
        assert isinstance(cmd, click.Command)
        return cmd

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in VERBS:
            from kubectl.errors import CLIError, fail

            fail(CLIError(f'unknown command "{name}" for "kubeling"', code=1))
        return super().resolve_command(ctx, args)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@global_options
def cli() -> None:
    """kubeling controls the kubeling cluster manager (kubectl's verbs and habits)."""


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI; usage errors read like kubectl's (`error: unknown flag: --x`, exit 1)."""
    try:
        return cli.main(args=argv, prog_name="kubeling", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as e:  # bare `kubeling` or a verb group: help, exit 0
        click.echo(e.format_message())
        return 0
    except click.exceptions.NoSuchOption as e:
        _usage_error(f"unknown flag: {e.option_name}", e.ctx)
    except click.UsageError as e:
        _usage_error(e.format_message(), e.ctx)
    except click.ClickException as e:
        e.show()
        raise SystemExit(e.exit_code) from None
    except click.exceptions.Abort:
        raise SystemExit(130) from None


def _usage_error(message: str, ctx: click.Context | None) -> None:
    where = ctx.command_path if ctx is not None else "kubeling"
    click.echo(f"error: {message}\nSee '{where} -h' for help and examples", err=True)
    raise SystemExit(1)


if __name__ == "__main__":
    main()
