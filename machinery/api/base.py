"""The base of kubeling's typed object model: pydantic v2 models with Kubernetes' JSON names.

Conventions every model follows:
- Python names are snake_case; the wire names are camelCase aliases (`to_camel`), with
  explicit aliases where Kubernetes capitalises an acronym (podIP, clusterIPs, imageID...).
- Unknown fields are kept (`extra="allow"`), so an object read, changed and written back
  loses nothing the model does not know about.
- Timestamps stay RFC 3339 strings on the model (see machinery.timeutil to parse them);
  quantities stay strings or numbers (see machinery.quantity).
- `to_dict()` gives the wire form without None values.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class Model(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        serialize_by_alias=True,
    )

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class OwnerReference(Model):
    api_version: str = ""
    kind: str = ""
    name: str = ""
    uid: str = ""
    controller: bool | None = None
    block_owner_deletion: bool | None = None


class ObjectMeta(Model):
    name: str = ""
    generate_name: str | None = None
    namespace: str | None = None
    uid: str | None = None
    resource_version: str | None = None
    generation: int | None = None
    creation_timestamp: str | None = None
    deletion_timestamp: str | None = None
    deletion_grace_period_seconds: int | None = None
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None
    owner_references: list[OwnerReference] | None = None
    finalizers: list[str] | None = None

    def controller_ref(self) -> OwnerReference | None:
        for ref in self.owner_references or []:
            if ref.controller:
                return ref
        return None


class ListMeta(Model):
    resource_version: str | None = None
    continue_: str | None = Field(default=None, alias="continue")
    remaining_item_count: int | None = None


class KubeObject(Model):
    """A top-level API object. Subclasses set API_VERSION and KIND."""

    API_VERSION: ClassVar[str] = ""
    KIND: ClassVar[str] = ""

    api_version: str = ""
    kind: str = ""
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)

    def model_post_init(self, context: Any) -> None:
        if not self.api_version and self.API_VERSION:
            self.api_version = self.API_VERSION
        if not self.kind and self.KIND:
            self.kind = self.KIND

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        return cls.model_validate(data)

    @property
    def key(self) -> str:
        """`namespace/name` (or `name` for cluster-scoped objects): the work-queue key."""
        ns = self.metadata.namespace
        return f"{ns}/{self.metadata.name}" if ns else self.metadata.name


class GenericObject(KubeObject):
    """Any kind the model does not type: everything beyond metadata stays as extra fields."""


_KINDS: dict[tuple[str, str], type[KubeObject]] = {}


def register(cls: type[KubeObject]) -> type[KubeObject]:
    """Class decorator: make cls the type for its (apiVersion, kind)."""
    _KINDS[(cls.API_VERSION, cls.KIND)] = cls
    return cls


def kind_class(api_version: str, kind: str) -> type[KubeObject]:
    return _KINDS.get((api_version, kind), GenericObject)


def from_wire(data: dict[str, Any]) -> KubeObject:
    """The typed object for a wire dict, by its apiVersion and kind."""
    cls = kind_class(str(data.get("apiVersion", "")), str(data.get("kind", "")))
    return cls.model_validate(data)
