"""The per-invocation state every verb shares: kubeconfig choice, namespace, the API connection.

kubectl accepts its global flags (--kubeconfig, --context, -n, -s) before or after the verb,
so they are declared on the group and again on every command (`global_options`), and both
land in one `State`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from kubectl.transport import Api
    from machinery.kubeconfig import ClientConfig

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class State:
    kubeconfig: str | None = None
    context: str | None = None
    namespace: str | None = None
    server: str | None = None
    _config: ClientConfig | None = field(default=None, repr=False)
    _api: Api | None = field(default=None, repr=False)

    def config(self) -> ClientConfig:
        if self._config is None:
            from kubectl.errors import CLIError
            from machinery.kubeconfig import ClientConfig, ConfigError, load

            try:
                if self.server and not self._has_config():
                    cfg = ClientConfig(server=self.server.rstrip("/"))
                else:
                    cfg = load(self.kubeconfig, context=self.context)
            except ConfigError as e:
                raise CLIError(str(e)) from None
            if self.server:
                cfg = replace(cfg, server=self.server.rstrip("/"))
            self._config = cfg
        return self._config

    def _has_config(self) -> bool:
        from machinery.kubeconfig import ConfigError, merged

        try:
            return bool(merged(self.kubeconfig)["contexts"])
        except ConfigError:
            return False

    @property
    def ns(self) -> str:
        """The namespace a namespaced request uses: -n, else the context's, else default."""
        return self.namespace or self.config().namespace or "default"

    @property
    def explicit_ns(self) -> bool:
        return bool(self.namespace)

    def api(self) -> Api:
        if self._api is None:
            from kubectl.transport import Api

            self._api = Api(self.config())
        return self._api

    def close(self) -> None:
        if self._api is not None:
            self._api.close()


def state() -> State:
    ctx = click.get_current_context()
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj


def _store(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None:
            root = ctx.find_root()
            if not isinstance(root.obj, State):
                root.obj = State()
            setattr(root.obj, name, value)
        return value

    return callback


def global_options(func: F, *, namespace: bool = True) -> F:
    """Add kubectl's global flags to a command (they may follow the verb)."""
    opts = [
        click.option(
            "--kubeconfig",
            expose_value=False,
            callback=_store("kubeconfig"),
            help="Path to the kubeconfig file to use.",
        ),
        click.option(
            "--context",
            expose_value=False,
            callback=_store("context"),
            help="The name of the kubeconfig context to use.",
        ),
        click.option(
            "-n",
            "--namespace",
            expose_value=False,
            callback=_store("namespace"),
            help="If present, the namespace scope for this CLI request.",
        ),
        click.option(
            "-s",
            "--server",
            expose_value=False,
            callback=_store("server"),
            help="The address and port of the Kubernetes API server.",
        ),
    ]
    if not namespace:  # e.g. `config set-context --namespace` means the context's namespace
        del opts[2]
    for opt in reversed(opts):
        func = opt(func)
    return func


def command(*, namespace_flag: bool = True, **kwargs: Any) -> Callable[[F], click.Command]:
    """click.command plus the global flags, and kubectl's error handling around the body."""

    def wrap(func: F) -> click.Command:
        @functools.wraps(func)
        def run(*args: Any, **kw: Any) -> Any:
            from kubectl.errors import fail

            try:
                return func(*args, **kw)
            except (SystemExit, click.exceptions.Exit, click.ClickException, click.Abort):
                raise
            except KeyboardInterrupt:
                raise SystemExit(130) from None
            except Exception as e:
                fail(e)

        kwargs.setdefault("context_settings", {"help_option_names": ["-h", "--help"]})
        return click.command(**kwargs)(global_options(run, namespace=namespace_flag))

    return wrap
