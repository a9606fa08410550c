"""The business unit: settings and the caller IDs it owns (via its outbound routes)."""

from __future__ import annotations

from typing import Any

from cxdial.cxone.models.contacts import BusinessUnit
from cxdial.cxone.request import APIRequest
from cxdial.cxone.resources._base import AsyncResource, SyncResource
from cxdial.cxone.versions import acd_path

__all__ = ["AsyncBusinessUnitResource", "BusinessUnitRequests", "BusinessUnitResource"]


def _first_unit(body: Any) -> BusinessUnit:
    units = body.get("businessUnits") if isinstance(body, dict) else None
    first = units[0] if isinstance(units, list) and units else (body or {})
    return BusinessUnit.model_validate(first)


def _caller_ids(body: Any) -> list[str]:
    routes = body.get("outboundRoutes") if isinstance(body, dict) else None
    found = {str(r["callerId"]) for r in routes or [] if isinstance(r, dict) and r.get("callerId")}
    return sorted(found)


class BusinessUnitRequests:
    """I/O-free builders for the business unit calls."""

    def get(self) -> APIRequest[BusinessUnit]:
        """``GET /business-unit``."""
        return APIRequest("GET", acd_path("/business-unit"), parse=_first_unit)

    def caller_ids(self) -> APIRequest[list[str]]:
        """``GET /business-unit/outbound-routes`` → the caller IDs the routes present."""
        return APIRequest("GET", acd_path("/business-unit/outbound-routes"), parse=_caller_ids)


class BusinessUnitResource(SyncResource):
    """``client.business_unit``."""

    requests = BusinessUnitRequests()

    def get(self) -> BusinessUnit:
        """The business unit's settings."""
        return self._call(self.requests.get())

    def caller_ids(self) -> list[str]:
        """Caller IDs (E.164) the business unit owns, for checking ``--from``."""
        return self._call(self.requests.caller_ids())


class AsyncBusinessUnitResource(AsyncResource):
    """``client.business_unit`` on the async client."""

    requests = BusinessUnitRequests()

    async def get(self) -> BusinessUnit:
        """The business unit's settings."""
        return await self._call(self.requests.get())

    async def caller_ids(self) -> list[str]:
        """Caller IDs (E.164) the business unit owns."""
        return await self._call(self.requests.caller_ids())
