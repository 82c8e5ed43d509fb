"""Components import only `machinery` and themselves (ARCHITECTURE.md, style rule 10)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
COMPONENTS = ["apiserver", "scheduler", "controller_manager", "kubelet", "kube_proxy", "kubectl"]
OURS = {*COMPONENTS, "machinery"}


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def package_files(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


@pytest.mark.parametrize("package", [*COMPONENTS, "machinery"])
def test_imports_respect_layers(package: str) -> None:
    allowed = {"machinery"} if package == "machinery" else {"machinery", package}
    offenders = []
    for path in package_files(package):
        bad = (imported_top_levels(path) & OURS) - allowed
        if bad:
            offenders.append(f"{path.relative_to(REPO)} imports {sorted(bad)}")
    assert not offenders, "\n".join(offenders)


def test_checker_sees_a_violation(tmp_path: Path) -> None:
    f = tmp_path / "x.py"
    f.write_text("import os\nfrom apiserver.store import Store\nimport machinery.errors\n")
    assert imported_top_levels(f) & OURS == {"apiserver", "machinery"}
