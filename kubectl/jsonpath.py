"""kubectl's JSONPath templates (`-o jsonpath='{.items[*].metadata.name}'`).

The subset people use: `{.a.b}`, `['key']`, `[0]`, `[-1]`, `[*]`, `[1:3]`, `..key`,
filters `[?(@.type=="Ready")]`, `{range ...}{...}{end}`, quoted literals `{"\\n"}`, and
literal text between expressions. Several results of one expression are joined by spaces;
maps and lists print as JSON, like kubectl.
"""

from __future__ import annotations

import re
from typing import Any

from kubectl.errors import CLIError

_MISSING = object()


def _split(template: str) -> list[tuple[str, str]]:
    """[('text', ...), ('expr', ...)] pieces of the template."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(template):
        j = template.find("{", i)
        if j < 0:
            out.append(("text", template[i:]))
            break
        if j > i:
            out.append(("text", template[i:j]))
        depth, k, quote = 0, j, ""
        while k < len(template):
            ch = template[k]
            if quote:
                if ch == "\\":
                    k += 1
                elif ch == quote:
                    quote = ""
            elif ch in "\"'":
                quote = ch
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        if k >= len(template):
            raise CLIError(f"error parsing jsonpath {template}, unclosed action")
        out.append(("expr", template[j + 1 : k].strip()))
        i = k + 1
    return out


_TOKEN = re.compile(r"\.\.|\.|\[[^\]]*\]|[^.\[]+")


def _steps(expr: str) -> list[str]:
    expr = expr.strip()
    if expr.startswith("$"):
        expr = expr[1:]
    return [t for t in _TOKEN.findall(expr) if t != "."]


def _children(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return list(value)
    return []


def _descend(value: Any) -> list[Any]:
    out = [value]
    for c in _children(value):
        out.extend(_descend(c))
    return out


def _filter(items: list[Any], cond: str) -> list[Any]:
    m = re.fullmatch(r"\s*@((?:\.[\w\-/.]+|\[[^\]]*\])*)\s*(==|!=|<=|>=|<|>)?\s*(.*?)\s*", cond)
    if not m:
        raise CLIError(f"unrecognized filter {cond!r}")
    path, op, raw = m.group(1), m.group(2), m.group(3)
    want: Any = None
    if op:
        if raw[:1] in "\"'":
            want = raw[1:-1]
        else:
            try:
                want = float(raw) if "." in raw else int(raw)
            except ValueError:
                want = raw
    out = []
    for item in items:
        got = evaluate(path, item) if path else [item]
        if not op:
            if got:
                out.append(item)
            continue
        if not got:
            continue
        left = got[0]
        try:
            ok = {"==": left == want, "!=": left != want}.get(op)
            if ok is None:
                ok = {"<": left < want, ">": left > want, "<=": left <= want, ">=": left >= want}[
                    op
                ]
        except TypeError:
            ok = False
        if ok:
            out.append(item)
    return out


def evaluate(expr: str, data: Any) -> list[Any]:
    current = [data]
    recursive = False
    for step in _steps(expr):
        if step == "..":
            recursive = True
            continue
        if recursive:
            current = [d for v in current for d in _descend(v)]
            recursive = False
        nxt: list[Any] = []
        if step.startswith("["):
            inner = step[1:-1].strip()
            for v in current:
                if inner == "*":
                    nxt.extend(_children(v))
                elif inner.startswith("?(") and inner.endswith(")"):
                    nxt.extend(_filter(_children(v) if isinstance(v, list) else [v], inner[2:-1]))
                elif inner[:1] in "\"'":
                    for key in (k.strip()[1:-1] for k in inner.split(",")):
                        if isinstance(v, dict) and key in v:
                            nxt.append(v[key])
                elif ":" in inner and isinstance(v, list):
                    parts = [int(p) if p.strip() else None for p in inner.split(":")]
                    nxt.extend(v[slice(*parts)])
                elif isinstance(v, list):
                    try:
                        nxt.append(v[int(inner)])
                    except (ValueError, IndexError):
                        pass
        elif step == "*":
            for v in current:
                nxt.extend(_children(v))
        else:
            for v in current:
                if isinstance(v, dict) and step in v:
                    nxt.append(v[step])
        current = nxt
    return current


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _literal(expr: str) -> str | None:
    if len(expr) >= 2 and expr[0] == expr[-1] and expr[0] in "\"'":
        return expr[1:-1].encode().decode("unicode_escape")
    return None


def _run(pieces: list[tuple[str, str]], data: Any, out: list[str]) -> None:
    i = 0
    while i < len(pieces):
        kind, text = pieces[i]
        if kind == "text":
            out.append(text)
        elif text.startswith("range "):
            depth, j = 1, i + 1
            while j < len(pieces):
                if pieces[j][0] == "expr" and pieces[j][1].startswith("range "):
                    depth += 1
                elif pieces[j] == ("expr", "end"):
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= len(pieces):
                raise CLIError("error parsing jsonpath: range without end")
            for item in evaluate(text[6:], data):
                _run(pieces[i + 1 : j], item, out)
            i = j
        elif text == "end":
            raise CLIError("error parsing jsonpath: not in range, nothing to end")
        else:
            lit = _literal(text)
            if lit is not None:
                out.append(lit)
            else:
                values = evaluate(text, data)
                out.append(" ".join(_text(v) for v in values))
        i += 1


def render(template: str, data: Any) -> str:
    out: list[str] = []
    _run(_split(template), data, out)
    return "".join(out)
