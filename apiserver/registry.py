"""The apiserver's view of the resource table (which lives in machinery.resources)."""

from machinery.resources import (
    ALL_VERBS,
    RESOURCES,
    ResourceInfo,
    by_kind,
    groups,
    in_group_version,
    lookup,
)

__all__ = [
    "ALL_VERBS",
    "RESOURCES",
    "ResourceInfo",
    "by_kind",
    "groups",
    "in_group_version",
    "lookup",
]
