"""Server-side printing: meta.k8s.io/v1 Table replies for `kubectl get`.

kubectl asks for a Table with
`Accept: application/json;as=Table;v=v1;g=meta.k8s.io,...` and prints the cells as
they are. Columns and cells follow upstream's pkg/printers/internalversion (see
`apiserver.printers`); kinds without a printer get upstream's default Name +
Created At table.

`includeObject` decides what each row carries in `object`:
"None" (nothing), "Metadata" (a PartialObjectMetadata, the default) or "Object"
(the full object, which kubectl asks for with `--sort-by`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apiserver import printers as p
from apiserver.printers import human_age
from apiserver.registry import ResourceInfo

__all__ = ["INCLUDE_OBJECT_VALUES", "human_age", "printer_for", "row", "table", "table_for_watch"]

TABLE_API_VERSION = "meta.k8s.io/v1"
INCLUDE_OBJECT_VALUES = ("None", "Metadata", "Object")

Obj = dict[str, Any]


@dataclass(frozen=True)
class Column:
    """A meta.k8s.io/v1 TableColumnDefinition."""

    name: str
    type: str = "string"
    format: str = ""
    priority: int = 0
    description: str = ""

    def as_dict(self) -> Obj:
        return {
            "name": self.name,
            "type": self.type,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        }


@dataclass(frozen=True)
class Printer:
    """Columns plus the functions giving one object's cells and row conditions."""

    columns: tuple[Column, ...]
    cells: Callable[[Obj, datetime], list[Any]]
    conditions: Callable[[Obj], list[Obj]] | None = None


def _cols(*specs: str) -> tuple[Column, ...]:
    """Columns from short specs: "+X" is priority 1 (wide only), "X:integer" sets the
    type; a column called "Name" has format "name" (kubectl's `kind/name` prefix)."""
    columns = []
    for spec in specs:
        priority = 1 if spec.startswith("+") else 0
        name, _, col_type = spec.lstrip("+").partition(":")
        fmt = "name" if name == "Name" else ""
        columns.append(Column(name, col_type or "string", fmt, priority))
    return tuple(columns)


_TEMPLATE = ("+Containers", "+Images", "+Selector")

# Columns as upstream pkg/printers/internalversion/printers.go (v1.32) declares them.
PRINTERS: dict[tuple[str, str], Printer] = {
    ("", "Pod"): Printer(
        _cols(
            "Name",
            "Ready",
            "Status",
            "Restarts",
            "Age",
            "+IP",
            "+Node",
            "+Nominated Node",
            "+Readiness Gates",
        ),
        p.pod_cells,
        p.pod_conditions,
    ),
    ("apps", "Deployment"): Printer(
        _cols("Name", "Ready", "Up-to-date", "Available", "Age", *_TEMPLATE), p.deployment_cells
    ),
    ("apps", "ReplicaSet"): Printer(
        _cols("Name", "Desired:integer", "Current:integer", "Ready:integer", "Age", *_TEMPLATE),
        p.replicaset_cells,
    ),
    ("apps", "DaemonSet"): Printer(
        _cols(
            "Name",
            "Desired:integer",
            "Current:integer",
            "Ready:integer",
            "Up-to-date:integer",
            "Available:integer",
            "Node Selector",
            "Age",
            *_TEMPLATE,
        ),
        p.daemonset_cells,
    ),
    ("apps", "StatefulSet"): Printer(
        _cols("Name", "Ready", "Age", "+Containers", "+Images"), p.statefulset_cells
    ),
    ("batch", "Job"): Printer(
        _cols("Name", "Status", "Completions", "Duration", "Age", *_TEMPLATE), p.job_cells
    ),
    ("batch", "CronJob"): Printer(
        _cols(
            "Name",
            "Schedule",
            "Timezone",
            "Suspend:boolean",
            "Active:integer",
            "Last Schedule",
            "Age",
            *_TEMPLATE,
        ),
        p.cronjob_cells,
    ),
    ("", "Service"): Printer(
        _cols("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "+Selector"),
        p.service_cells,
    ),
    ("", "Endpoints"): Printer(_cols("Name", "Endpoints", "Age"), p.endpoints_cells),
    ("discovery.k8s.io", "EndpointSlice"): Printer(
        _cols("Name", "AddressType", "Ports", "Endpoints", "Age"), p.endpointslice_cells
    ),
    ("", "Node"): Printer(
        _cols(
            "Name",
            "Status",
            "Roles",
            "Age",
            "Version",
            "+Internal-IP",
            "+External-IP",
            "+OS-Image",
            "+Kernel-Version",
            "+Container-Runtime",
        ),
        p.node_cells,
    ),
    ("", "Namespace"): Printer(_cols("Name", "Status", "Age"), p.namespace_cells),
    ("", "ConfigMap"): Printer(_cols("Name", "Data", "Age"), p.configmap_cells),
    ("", "Secret"): Printer(_cols("Name", "Type", "Data", "Age"), p.secret_cells),
    ("", "ServiceAccount"): Printer(_cols("Name", "Secrets", "Age"), p.serviceaccount_cells),
    ("coordination.k8s.io", "Lease"): Printer(_cols("Name", "Holder", "Age"), p.lease_cells),
    ("scheduling.k8s.io", "PriorityClass"): Printer(
        _cols("Name", "Value:integer", "Global-Default:boolean", "Age", "+PreemptionPolicy"),
        p.priorityclass_cells,
    ),
    ("", "Event"): Printer(
        _cols(
            "Last Seen",
            "Type",
            "Reason",
            "Object",
            "+Subobject",
            "+Source",
            "Message",
            "+First Seen",
            "+Count",
            "+Name",
        ),
        p.event_cells,
    ),
}

# apiserver's DefaultTableConvertor, for every kind without a printer.
DEFAULT_PRINTER = Printer(_cols("Name", "Created At:date"), p.default_cells)


def printer_for(group: str, kind: str) -> Printer:
    """The printer for a kind; upstream's Name + Created At default when it has none."""
    return PRINTERS.get((group, kind), DEFAULT_PRINTER)


def _include(obj: dict[str, Any], info: ResourceInfo, include_object: str) -> Any:
    """The `object` of a row for this includeObject mode (None for "None")."""
    if include_object == "None":
        return None
    if include_object == "Object":
        full = {"kind": info.kind, "apiVersion": info.api_version}
        full.update(obj)
        return full
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": TABLE_API_VERSION,
        "metadata": obj.get("metadata") or {},
    }


def _check_include(include_object: str) -> str:
    """Normalise includeObject ("" means the default); ValueError when unknown.

    The router should turn the ValueError into a 400 BadRequest with upstream's
    message: `unrecognized includeObject value: "<value>"`.
    """
    value = include_object or "Metadata"
    if value not in INCLUDE_OBJECT_VALUES:
        raise ValueError(f'unrecognized includeObject value: "{include_object}"')
    return value


def row(
    info: ResourceInfo,
    obj: dict[str, Any],
    *,
    include_object: str = "Metadata",
    now: datetime | None = None,
    printer: Printer | None = None,
) -> dict[str, Any]:
    """One Table row (cells, optional conditions, optional object) for one object."""
    include_object = _check_include(include_object)
    printer = printer or printer_for(info.group, info.kind)
    result: dict[str, Any] = {"cells": printer.cells(obj, now or datetime.now(UTC))}
    if printer.conditions is not None:
        conditions = printer.conditions(obj)
        if conditions:
            result["conditions"] = conditions
    included = _include(obj, info, include_object)
    if included is not None:
        result["object"] = included
    return result


def table(
    info: ResourceInfo,
    objects: list[dict[str, Any]],
    *,
    resource_version: str,
    include_object: str = "Metadata",
    continue_token: str = "",
    remaining: int | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A Table for a list (or a single GET: pass `[obj]` and the object's RV).

    `resource_version` is the list's revision: without it, `kubectl get -w` watches
    from "" and prints every object twice. Raises ValueError for an unknown
    `include_object`.
    """
    include_object = _check_include(include_object)
    printer = printer_for(info.group, info.kind)
    when = now or datetime.now(UTC)
    metadata: dict[str, Any] = {"resourceVersion": str(resource_version)}
    if continue_token:
        metadata["continue"] = continue_token
    if remaining is not None:
        metadata["remainingItemCount"] = remaining
    return {
        "kind": "Table",
        "apiVersion": TABLE_API_VERSION,
        "metadata": metadata,
        "columnDefinitions": [c.as_dict() for c in printer.columns],
        "rows": [
            row(info, obj, include_object=include_object, now=when, printer=printer)
            for obj in objects
        ],
    }


def table_for_watch(
    info: ResourceInfo,
    obj: dict[str, Any],
    *,
    include_object: str = "Metadata",
    now: datetime | None = None,
    include_columns: bool = True,
) -> dict[str, Any]:
    """A one-row Table for a watch event's `object`.

    Its metadata.resourceVersion is the object's, as upstream's table convertor does
    for a single object. Upstream sends the column definitions only with the first
    event of a watch; pass `include_columns=False` for later events to do the same
    (kubectl copes with both).
    """
    rv = (obj.get("metadata") or {}).get("resourceVersion") or ""
    result = table(info, [obj], resource_version=str(rv), include_object=include_object, now=now)
    if not include_columns:
        result["columnDefinitions"] = None
    return result
