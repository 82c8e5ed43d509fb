"""The console script as a real process: exit codes, stderr without tracebacks, `get -w`."""

from __future__ import annotations

import os
import signal
import subprocess
import threading

import httpx

from tests.integration.kubectl_cli.helpers import created
from tests.support.cli import CONSOLE_SCRIPT, Kubeling
from tests.support.objects import pod
from tests.support.procs import free_port, wait_for


def test_console_script_get_and_errors(kubeling: Kubeling, client: httpx.Client, ns: str) -> None:
    created(client, f"/api/v1/namespaces/{ns}/pods", pod("p1"))
    r = kubeling.process("get", "pods")
    assert r.code == 0, str(r)
    assert r.stdout.splitlines()[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    r = kubeling.process("get", "pod", "nope")
    assert (r.code, r.stderr) == (1, 'Error from server (NotFound): pods "nope" not found\n')
    port = free_port()
    r = kubeling.process("get", "pods", "--server", f"http://127.0.0.1:{port}")
    assert r.code == 1 and "Traceback" not in r.stderr
    assert r.stderr == (
        f"The connection to the server 127.0.0.1:{port} was refused - did you "
        "specify the right host or port?\n"
    )
    r = kubeling.process("frobnicate")
    assert r.code == 1 and r.stderr == 'error: unknown command "frobnicate" for "kubeling"\n'
    r = kubeling.process("get", "pods", "--frob")
    assert (r.code, r.stderr) == (
        1,
        "error: unknown flag: --frob\nSee 'kubeling get -h' for help and examples\n",
    )
    r = kubeling.process()
    assert r.code == 0 and r.stdout.startswith("Usage: kubeling")


def test_startup_imports_stay_light(kubeling: Kubeling) -> None:
    """`get` must not pull in the pydantic object model, aiohttp or fastapi."""
    code = (
        "import sys\nfrom kubectl.__main__ import cli\n"
        "try:\n    cli.main(['get', 'pods'], standalone_mode=False)\n"
        "except BaseException:\n    pass\n"
        "heavy = [m for m in ('pydantic', 'aiohttp', 'fastapi', 'machinery.api', 'httpx')"
        " if m in sys.modules]\nprint(','.join(heavy))\n"
    )
    p = subprocess.run(
        [str(CONSOLE_SCRIPT.parent / "python"), "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **kubeling.env},
        timeout=30,
    )
    assert p.stdout.strip().splitlines()[-1:] in ([], [""]), p.stdout + p.stderr


def test_get_watch_streams_rows(kubeling: Kubeling, client: httpx.Client, ns: str) -> None:
    created(client, f"/api/v1/namespaces/{ns}/pods", pod("first"))
    proc = subprocess.Popen(
        [str(CONSOLE_SCRIPT), "get", "pods", "-w"],
        env={**os.environ, **kubeling.env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    lock = threading.Lock()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            with lock:
                lines.append(line.rstrip("\n"))

    t = threading.Thread(target=pump, daemon=True)
    t.start()
    try:

        def seen(name: str) -> bool:
            with lock:
                return any(ln.split()[:1] == [name] for ln in lines)

        wait_for(lambda: seen("first"), 15, "the initial table")
        created(client, f"/api/v1/namespaces/{ns}/pods", pod("p2"))
        wait_for(lambda: seen("p2"), 15, "a watch row for the new pod")
        with lock:
            assert lines[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
            assert sum(1 for ln in lines if ln.split()[:1] == ["NAME"]) == 1
            row = next(ln for ln in lines if ln.startswith("p2 "))
            assert row.index("Pending") == lines[0].index("STATUS")  # padded to the first table
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the group of this Popen only
        proc.wait(10)
        t.join(5)
