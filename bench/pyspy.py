"""Optional py-spy profiles for bench/apiserver.py --profile DIR (pip install py-spy).

A Profiler samples one process (non-blocking, so the target is not paused) while a phase
runs and leaves py-spy's raw collapsed stacks in DIR; summary() turns one such file into
the top functions by self and by inclusive time.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

_LINE = re.compile(r":\d+\)$")


def available() -> str | None:
    """The py-spy executable next to this Python, or on PATH."""
    local = Path(sys.executable).parent / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


class Profiler:
    def __init__(self, pid: int, out: Path, rate: int = 200) -> None:
        exe = available()
        if exe is None:
            raise RuntimeError("py-spy is not installed: .venv/bin/pip install py-spy")
        self.out = out
        argv = [exe, "record", "--pid", str(pid), "--rate", str(rate), "--nonblocking"]
        argv += ["--format", "raw", "--output", str(out)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        """SIGINT makes py-spy write its file; kill it if it does not finish."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def summary(path: Path, top: int = 15, focus: str = "") -> str:
    """Top functions by self samples and by inclusive samples (optionally only paths
    containing focus, e.g. "apiserver/")."""
    total = 0
    own: Counter[str] = Counter()
    incl: Counter[str] = Counter()
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return f"(no profile at {path})"
    for line in lines:
        stack, _, n_text = line.rpartition(" ")
        if not stack or not n_text.isdigit():
            continue
        n = int(n_text)
        frames = [_LINE.sub(")", f) for f in stack.split(";")]
        total += n
        own[frames[-1]] += n
        for f in set(frames):
            incl[f] += n
    if not total:
        return "(empty profile)"
    out = [f"{path.name}: {total} samples"]
    out.append("  self:")
    out += [f"    {n / total * 100:5.1f}%  {f}" for f, n in own.most_common(top)]
    out.append(f"  inclusive{' (' + focus + ')' if focus else ''}:")
    chosen = [(f, n) for f, n in incl.most_common() if focus in f][:top]
    out += [f"    {n / total * 100:5.1f}%  {f}" for f, n in chosen]
    return "\n".join(out)
