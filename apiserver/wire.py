"""HTTP wire details: bodies in, Status and objects out, query parameters, negotiation."""

from __future__ import annotations

from typing import Any

import orjson
import yaml
from starlette.requests import Request
from starlette.responses import Response

from machinery.errors import BadRequest, RequestEntityTooLarge, StatusError, UnsupportedMediaType

MAX_BODY = 3 * 1024 * 1024 // 2  # 1.5 MiB, as kube-apiserver
JSON = "application/json"
TABLE_ACCEPT = "as=Table"

_TRUE = {"1", "t", "T", "true", "True", "TRUE"}
_FALSE = {"0", "f", "F", "false", "False", "FALSE"}


def json_response(obj: Any, status: int = 200, media_type: str = JSON) -> Response:
    return Response(orjson.dumps(obj), status_code=status, media_type=media_type)


def status_response(err: StatusError) -> Response:
    headers = {"Retry-After": str(err.retry_after)} if err.retry_after else None
    return Response(
        orjson.dumps(err.to_status()), status_code=err.code, media_type=JSON, headers=headers
    )


def success_status(details: dict[str, Any] | None = None, code: int = 200) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "code": code,
    }
    if details:
        out["details"] = details
    return out


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def read_body(request: Request) -> Any:
    """The decoded request body: JSON unless the Content-Type says YAML; no type means JSON."""
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_BODY:
        raise RequestEntityTooLarge("the request body is too large (limit 1.5 MiB)")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise RequestEntityTooLarge("the request body is too large (limit 1.5 MiB)")
        chunks.append(chunk)
    raw = b"".join(chunks)
    mt = media_type(request)
    if "protobuf" in mt or raw.startswith(b"k8s\x00"):
        raise UnsupportedMediaType(
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json, application/yaml. kubectl 1.32+ sends protobuf for generated "
            "objects (create deployment|namespace|configmap|secret ...): write a manifest and "
            "use `kubectl create -f` or `kubectl apply -f` instead"
        )
    if not raw.strip():
        raise BadRequest("the body of the request is empty")
    if mt.endswith("yaml"):
        try:
            return yaml.safe_load(raw)
        except yaml.YAMLError as e:
            raise BadRequest(f"error decoding YAML: {e}") from e
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        raise BadRequest(f"error decoding JSON: {e}") from e


def parse_bool(value: str | None, name: str) -> bool:
    if value is None or value == "":
        return False
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadRequest(
        f'invalid value for {name}: strconv.ParseBool: parsing "{value}": invalid syntax'
    )


def parse_int(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise BadRequest(
            f'invalid value for {name}: strconv.ParseInt: parsing "{value}": invalid syntax'
        ) from None


def wants_table(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    if TABLE_ACCEPT not in accept:
        return False
    first = accept.split(",", 1)[0]
    return TABLE_ACCEPT in first and "g=meta.k8s.io" in first


def include_object(request: Request) -> str:
    value = request.query_params.get("includeObject", "Metadata") or "Metadata"
    if value not in ("None", "Metadata", "Object"):
        raise BadRequest(f'unrecognized includeObject value: "{value}"')
    return value


def dry_run(request: Request) -> bool:
    values = request.query_params.getlist("dryRun")
    for v in values:
        if v != "All":
            raise BadRequest(f'unsupported dry run option "{v}"; only "All" is supported')
    return bool(values)
