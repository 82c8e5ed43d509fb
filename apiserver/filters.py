"""Label and field selectors from a request, as one predicate over stored objects."""

from __future__ import annotations

from typing import Any

from apiserver.fields import check_field_selector, object_fields
from apiserver.registry import ResourceInfo
from apiserver.watchcache import Predicate
from machinery.errors import BadRequest
from machinery.selectors import FieldSelector, LabelSelector


def predicate(info: ResourceInfo, label_selector: str, field_selector: str) -> Predicate | None:
    """None when nothing is filtered (the fast path)."""
    labels: LabelSelector | None = None
    fields: FieldSelector | None = None
    try:
        if label_selector:
            labels = LabelSelector.parse(label_selector)
        if field_selector:
            fields = FieldSelector.parse(field_selector)
    except ValueError as e:
        raise BadRequest(str(e)) from e
    if fields is not None:
        check_field_selector(info.kind, fields)
    if labels is not None and labels.empty:
        labels = None
    if fields is not None and fields.empty:
        fields = None
    if labels is None and fields is None:
        return None
    kind = info.kind

    def match(obj: dict[str, Any]) -> bool:
        if labels is not None and not labels.matches(obj.get("metadata", {}).get("labels")):
            return False
        return fields is None or fields.matches(object_fields(kind, obj))

    return match
