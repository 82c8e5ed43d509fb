"""Node selector terms compiled into matchers, as Kubernetes' nodeaffinity helpers read them.

A NodeSelector is an OR of terms; a term is an AND of label expressions (matchExpressions)
and field expressions (matchFields, only `metadata.name`). An empty term list, or a term
with no expressions, matches no node.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from machinery.api.core import NodeSelector, NodeSelectorRequirement, PreferredSchedulingTerm

LabelCheck = Callable[[Mapping[str, str]], bool]


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _requirement(req: NodeSelectorRequirement) -> LabelCheck:
    key, op, values = req.key, req.operator, frozenset(req.values or ())
    if op == "In":
        return lambda labels: labels.get(key) in values
    if op == "NotIn":
        return lambda labels: key not in labels or labels[key] not in values
    if op == "Exists":
        return lambda labels: key in labels
    if op == "DoesNotExist":
        return lambda labels: key not in labels
    if op in ("Gt", "Lt") and len(values) == 1:
        bound = _int(next(iter(values)))
        if bound is None:
            return lambda labels: False

        def compare(labels: Mapping[str, str]) -> bool:
            v = _int(labels.get(key, ""))
            if v is None:
                return False
            return v > bound if op == "Gt" else v < bound

        return compare
    return lambda labels: False  # an invalid requirement selects nothing


@dataclass(frozen=True, slots=True)
class Term:
    labels: tuple[LabelCheck, ...]
    fields: tuple[LabelCheck, ...]

    def matches(self, labels: Mapping[str, str], name: str) -> bool:
        if not self.labels and not self.fields:
            return False
        if any(not check(labels) for check in self.labels):
            return False
        return not self.fields or all(check({"metadata.name": name}) for check in self.fields)


@dataclass(frozen=True, slots=True)
class NodeMatcher:
    """An OR of terms."""

    terms: tuple[Term, ...]

    def matches(self, labels: Mapping[str, str], name: str) -> bool:
        return any(t.matches(labels, name) for t in self.terms)


def _term(
    expressions: Sequence[NodeSelectorRequirement] | None,
    fields: Sequence[NodeSelectorRequirement] | None,
) -> Term:
    """Field requirements are checked against {"metadata.name": name}, the only field
    Kubernetes allows in matchFields."""
    return Term(
        tuple(_requirement(r) for r in expressions or ()),
        tuple(_requirement(r) for r in fields or ()),
    )


def compile_required(selector: NodeSelector | None) -> NodeMatcher | None:
    if selector is None:
        return None
    return NodeMatcher(
        tuple(
            _term(t.match_expressions, t.match_fields) for t in selector.node_selector_terms or ()
        )
    )


def compile_preferred(
    terms: Sequence[PreferredSchedulingTerm] | None,
) -> tuple[tuple[int, NodeMatcher], ...]:
    out = []
    for t in terms or ():
        if t.weight:
            term = _term(t.preference.match_expressions, t.preference.match_fields)
            out.append((t.weight, NodeMatcher((term,))))
    return tuple(out)
