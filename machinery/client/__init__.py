"""The API client every component uses: typed objects over aiohttp, Kubernetes errors."""

from machinery.client.client import Client, ObjectList, WatchEvent, resource_for
from machinery.client.sync import SyncClient

__all__ = ["Client", "ObjectList", "SyncClient", "WatchEvent", "resource_for"]
