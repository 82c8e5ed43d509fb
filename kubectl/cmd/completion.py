"""`kubeling completion bash|zsh|fish`: click's shell completion script for this CLI."""

from __future__ import annotations

import click


@click.command(name="completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Output shell completion code (e.g. `source <(kubeling completion bash)`)."""
    from click.shell_completion import get_completion_class

    from kubectl.__main__ import cli

    cls = get_completion_class(shell)
    assert cls is not None
    comp = cls(cli, {}, "kubeling", "_KUBELING_COMPLETE")
    click.echo(comp.source())
