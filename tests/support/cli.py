"""Driving `kubeling` in tests: in-process through click's CliRunner, or as the console script.

`Kubeling.run(...)` returns a Result with stdout, stderr and the exit code, using a kubeconfig
of the test's own (its context points at the test's namespace); `Kubeling.process(...)` runs
`.venv/bin/kubeling` as a real subprocess; `normalize_age` makes table output comparable.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from tests.support.procs import REPO

CONSOLE_SCRIPT = Path(sys.executable).parent / "kubeling"


@dataclass
class Result:
    argv: list[str]
    code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return (
            f"$ kubeling {' '.join(self.argv)}\n-> exit {self.code}\n"
            f"--- stdout\n{self.stdout}--- stderr\n{self.stderr}"
        )


class Kubeling:
    def __init__(self, kubeconfig: Path, workdir: Path) -> None:
        self.kubeconfig = kubeconfig
        self.workdir = workdir
        self.manifests = workdir / "manifests"
        self.manifests.mkdir(parents=True, exist_ok=True)

    @property
    def env(self) -> dict[str, str]:
        return {"KUBECONFIG": str(self.kubeconfig), "HOME": str(self.workdir)}

    def run(self, *args: str, stdin: str | None = None) -> Result:
        from kubectl.__main__ import cli

        runner = CliRunner()
        r = runner.invoke(cli, list(args), env=self.env, input=stdin, prog_name="kubeling")
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            raise AssertionError(f"kubeling {' '.join(args)} raised") from r.exception
        return Result(list(args), r.exit_code, r.stdout, r.stderr)

    def ok(self, *args: str, stdin: str | None = None) -> Result:
        r = self.run(*args, stdin=stdin)
        assert r.code == 0, str(r)
        return r

    def fails(self, *args: str, stdin: str | None = None) -> Result:
        r = self.run(*args, stdin=stdin)
        assert r.code == 1, str(r)
        assert "Traceback" not in r.stderr, str(r)
        return r

    def process(self, *args: str, timeout: float = 30) -> Result:
        p = subprocess.run(
            [str(CONSOLE_SCRIPT), *args],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=REPO,
        )
        return Result(list(args), p.returncode, p.stdout, p.stderr)

    def manifest(self, name: str, *docs: dict[str, Any] | str) -> Path:
        path = self.manifests / name
        texts = [d if isinstance(d, str) else yaml.safe_dump(d, sort_keys=False) for d in docs]
        path.write_text("---\n".join(texts))
        return path


_AGE = re.compile(r"^(\d+[smhdy]){1,2}$")
_IP = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
_COLUMNS = re.compile(r" {2,}")
# describe's timestamps (`Mon, 23 Nov 2026 11:20:01 +0000`): objects made a second apart differ
_TIME = re.compile(r"\b\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}\b")


def normalize_table(text: str) -> str:
    """Cells of each line joined by ` | `, AGE cells as `<age>`, IPs as `<ip>`, times as `<time>`.

    Column alignment is checked separately (`aligned`); this keeps golden files stable.
    """
    out = []
    for line in text.splitlines():
        if not line.strip():
            out.append("")
            continue
        cells = _COLUMNS.split(_TIME.sub("<time>", line.rstrip()))
        cells = ["<age>" if _AGE.match(c) else "<ip>" if _IP.match(c) else c for c in cells]
        out.append(" | ".join(cells))
    return "\n".join(out)


def aligned(text: str) -> bool:
    """Every row's cells start where the header's columns start (kubectl's tabwriter)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    starts = [m.start() for m in re.finditer(r"(?:(?<=^)|(?<=  ))\S", lines[0])]
    for line in lines[1:]:
        for pos in starts[1:]:
            if line[pos - 1] != " " or line[pos] == " ":
                return False
    return True
