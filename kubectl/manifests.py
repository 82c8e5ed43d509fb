"""Reading `-f` sources as kubectl does: files, directories (`-R` recursive), `-` for stdin.

Multi-document YAML and JSON are both accepted; `kind: List` is unpacked; empty documents
are skipped. A malformed document fails with the file name and line, in kubectl's words.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubectl.errors import CLIError

EXTENSIONS = (".yaml", ".yml", ".json")


@dataclass
class Manifest:
    source: str
    obj: dict[str, Any]


def _files(spec: str, recursive: bool) -> list[Path]:
    p = Path(spec)
    if not p.exists():
        raise CLIError(f'the path "{spec}" does not exist')
    if p.is_dir():
        found = p.rglob("*") if recursive else p.glob("*")
        return sorted(f for f in found if f.is_file() and f.suffix in EXTENSIONS)
    return [p]


def parse(text: str, source: str) -> list[dict[str, Any]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        docs = list(yaml.load_all(text, Loader=loader))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = e.problem or e.context or "invalid YAML"
        raise CLIError(
            f"error parsing {source}: error converting YAML to JSON: yaml: line {line}: {problem}"
        ) from None
    except yaml.YAMLError as e:
        raise CLIError(f"error parsing {source}: {e}") from None
    out: list[dict[str, Any]] = []
    for doc in docs:
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise CLIError(
                f"error parsing {source}: error unmarshaling JSON: "
                "json: cannot unmarshal into an object"
            )
        if doc.get("kind") == "List" or (
            doc.get("kind", "").endswith("List") and isinstance(doc.get("items"), list)
        ):
            out.extend(i for i in doc.get("items") or [] if isinstance(i, dict))
            continue
        if not doc.get("kind") or not doc.get("apiVersion"):
            missing = [f"{k} not set" for k in ("apiVersion", "kind") if not doc.get(k)]
            raise CLIError(
                f'error validating "{source}": error validating data: [{", ".join(missing)}]; '
                "if you choose to ignore these errors, turn validation off with --validate=false"
            )
        out.append(doc)
    return out


def read(filenames: tuple[str, ...] | list[str], *, recursive: bool = False) -> list[Manifest]:
    if not filenames:
        raise CLIError("must specify one of -f and -k")
    out: list[Manifest] = []
    for spec in filenames:
        if spec == "-":
            out.extend(Manifest("STDIN", d) for d in parse(sys.stdin.read(), "STDIN"))
            continue
        for f in _files(spec, recursive):
            out.extend(Manifest(str(f), d) for d in parse(f.read_text(), str(f)))
    if not out:
        raise CLIError("no objects passed to apply")
    return out
