"""Driving the real kubectl binary against a test API server.

`Kubectl` runs one command at a time (`run`, `ok`, `fails`) or in the background (`background`,
for `get -w`), always with its own KUBECONFIG, HOME and `--cache-dir`, so discovery is fresh
and nothing is shared with the user's ~/.kube. `parse_table` reads kubectl's column output.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

KUBECTL = shutil.which("kubectl")


@dataclass
class Result:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return (
            f"$ {' '.join(self.argv)}\n-> exit {self.returncode}\n"
            f"--- stdout\n{self.stdout}--- stderr\n{self.stderr}"
        )

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()


def write_kubeconfig(path: Path, namespace: str) -> Path:
    """Point the context of an `ApiServer.kubeconfig()` file at `namespace`."""
    cfg = yaml.safe_load(path.read_text())
    for ctx in cfg["contexts"]:
        ctx["context"]["namespace"] = namespace
    path.write_text(yaml.safe_dump(cfg))
    return path


class Kubectl:
    def __init__(self, kubeconfig: Path, home: Path) -> None:
        if KUBECTL is None:
            raise RuntimeError("kubectl is not on PATH")
        self.kubeconfig = kubeconfig
        self.home = home
        self.cache_dir = home / "kube-cache"
        self.manifests = home / "manifests"
        self.manifests.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "KUBECONFIG": str(kubeconfig), "HOME": str(home)}

    def argv(self, args: Sequence[str]) -> list[str]:
        return [str(KUBECTL), "--cache-dir", str(self.cache_dir), *args]

    def run(self, *args: str, timeout: float = 60) -> Result:
        argv = self.argv(args)
        p = subprocess.run(
            argv, env=self.env, capture_output=True, text=True, timeout=timeout, cwd=self.home
        )
        return Result(["kubectl", *args], p.returncode, p.stdout, p.stderr)

    def ok(self, *args: str, timeout: float = 60, stderr: str = "") -> Result:
        """Run; fail the test unless kubectl exits 0 and prints `stderr` (nothing) on stderr.

        Kubernetes gives these commands no warnings, so anything on stderr is a finding.
        """
        r = self.run(*args, timeout=timeout)
        assert r.returncode == 0 and r.stderr == stderr, str(r)
        return r

    def fails(self, *args: str, timeout: float = 60) -> Result:
        """Run; fail the test unless kubectl exits non-zero."""
        r = self.run(*args, timeout=timeout)
        assert r.returncode != 0, str(r)
        return r

    def background(self, *args: str) -> Background:
        return Background(self.argv(args), self.env, self.home)

    def manifest(self, name: str, *docs: dict[str, Any] | str) -> Path:
        """Write a (multi-document) YAML file; return its path."""
        path = self.manifests / name
        texts = [d if isinstance(d, str) else yaml.safe_dump(d, sort_keys=False) for d in docs]
        path.write_text("---\n".join(texts))
        return path


class Background:
    """A kubectl process whose stdout is read line by line; stopped through its Popen handle.

    The kubectl on PATH is a dispatcher that may run a versioned kubectl as a child, so the
    process gets a session (process group) of its own and stop() kills that group.
    """

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self._cond = threading.Condition()
        self._out: list[str] = []
        self._err: list[str] = []
        self.proc = subprocess.Popen(
            argv,
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            start_new_session=True,  # its own process group: stop() reaches any child it starts
        )
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._threads = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self._out), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self._err), daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _pump(self, stream: Any, sink: list[str]) -> None:
        for line in stream:
            with self._cond:
                sink.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    @property
    def lines(self) -> list[str]:
        with self._cond:
            return list(self._out)

    def wait_for(
        self,
        cond: Callable[[list[str]], bool],
        timeout: float = 15,
        what: str = "output",
        stderr: bool = False,
    ) -> list[str]:
        """Wait until cond(the stdout, or stderr, lines so far) holds; return those lines.

        Fails with everything kubectl printed at the deadline, or as soon as kubectl has exited
        and its output is read to the end without the condition holding.
        """
        sink = self._err if stderr else self._out
        deadline = time.monotonic() + timeout
        with self._cond:
            while not cond(list(sink)):
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._alive()):
                    raise AssertionError(
                        f"kubectl never printed {what} (exit {self.proc.poll()})\n"
                        f"--- stdout\n"
                        + "\n".join(self._out)
                        + "\n--- stderr\n"
                        + "\n".join(self._err)
                    )
                self._cond.wait(min(left, 0.5))
            return list(sink)

    def _alive(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group this Popen created, nothing else
        except ProcessLookupError:
            pass
        self.proc.wait(10)
        for t in self._threads:
            t.join(5)

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- tables -------------------------------------------------------------------------------------

_HEADER_CELL = re.compile(r"\S+(?: \S+)*")  # header words are joined by one space, columns by >= 3


def parse_table(text: str) -> list[dict[str, str]]:
    """Rows of one kubectl table as dicts keyed by header (cells cut at the header's columns)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return []
    cols = [(m.group(), m.start()) for m in _HEADER_CELL.finditer(lines[0])]
    rows = []
    for line in lines[1:]:
        row = {}
        for i, (name, start) in enumerate(cols):
            end = cols[i + 1][1] if i + 1 < len(cols) else None
            row[name] = line[start:end].strip()
        rows.append(row)
    return rows


def header(text: str) -> list[str]:
    first = text.splitlines()[0] if text.strip() else ""
    return _HEADER_CELL.findall(first)


def tables(text: str) -> list[str]:
    """Split the output of `get a,b` into its tables (separated by blank lines)."""
    return [t for t in re.split(r"\n\s*\n", text) if t.strip()]
