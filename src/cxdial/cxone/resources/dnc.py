"""DNC groups: create, records (add / expire), search, and scrubbing a skill against a group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cxdial.cxone.models.base import to_wire, validate_request
from cxdial.cxone.models.contacts import DncGroup, DncRecord, DncSearchResult
from cxdial.cxone.models.skills import BatchResult
from cxdial.cxone.request import APIRequest
from cxdial.cxone.resources._base import AsyncResource, SyncResource
from cxdial.cxone.versions import acd_path

__all__ = ["AsyncDnc", "Dnc", "DncRequests"]

Record = DncRecord | Mapping[str, Any] | str


def _groups(body: Any) -> list[DncGroup]:
    holder = body.get("resultSet", body) if isinstance(body, dict) else {}
    groups = holder.get("dncGroups", []) if isinstance(holder, dict) else []
    return [DncGroup.model_validate(g) for g in groups]


def _hits(body: Any) -> list[DncSearchResult]:
    hits = body.get("searchResults", []) if isinstance(body, dict) else []
    return [DncSearchResult.model_validate(h) for h in hits]


def _batch(body: Any) -> BatchResult:
    holder = body.get("resultSet", body) if isinstance(body, dict) else {}
    return BatchResult.model_validate(holder or {})


def _records(records: Sequence[Record]) -> dict[str, Any]:
    items = [
        DncRecord(phone_number=r) if isinstance(r, str) else validate_request(DncRecord, r)
        for r in records
    ]
    return {"dncGroupRecords": [to_wire(r) for r in items]}


class DncRequests:
    """I/O-free builders for the DNC calls."""

    def groups(self) -> APIRequest[list[DncGroup]]:
        """``GET /dnc-groups``."""
        return APIRequest("GET", acd_path("/dnc-groups"), parse=_groups)

    def create_group(self, name: str, description: str | None = None) -> APIRequest[DncGroup]:
        """``POST /dnc-groups`` (no verify: a lost answer raises :class:`AmbiguousWrite`)."""
        body = {"dncGroupName": name, "dncGroupDescription": description}
        return APIRequest(
            "POST",
            acd_path("/dnc-groups"),
            json={k: v for k, v in body.items() if v is not None},
            parse=lambda b: _groups(b)[0] if _groups(b) else DncGroup.model_validate(b),
        )

    def add_records(self, group_id: int, records: Sequence[Record]) -> APIRequest[BatchResult]:
        """``POST /dnc-groups/{groupId}/records`` (adding a number twice is harmless)."""
        path = acd_path("/dnc-groups/{groupId}/records", groupId=group_id)
        return APIRequest(
            "POST", path, json=_records(records), batch=True, idempotent=True, parse=_batch
        )

    def expire_records(self, group_id: int, records: Sequence[Record]) -> APIRequest[BatchResult]:
        """``DELETE /dnc-groups/{groupId}/records``: expire numbers."""
        path = acd_path("/dnc-groups/{groupId}/records", groupId=group_id)
        return APIRequest("DELETE", path, json=_records(records), batch=True, parse=_batch)

    def search(self, phone_number: str) -> APIRequest[list[DncSearchResult]]:
        """``POST /dnc-groups/search?phoneNumber=`` (a read despite the verb)."""
        return APIRequest(
            "POST",
            acd_path("/dnc-groups/search"),
            idempotent=True,
            params={"phoneNumber": phone_number},
            parse=_hits,
        )

    def scrub_skill(self, group_id: int, skill_id: int) -> APIRequest[None]:
        """``POST /dnc-groups/{groupId}/scrubbed-skills/{skillId}``."""
        path = acd_path(
            "/dnc-groups/{groupId}/scrubbed-skills/{skillId}", groupId=group_id, skillId=skill_id
        )
        return APIRequest("POST", path, idempotent=True, parse=lambda _: None)


class Dnc(SyncResource):
    """``client.dnc``: do-not-call groups."""

    requests = DncRequests()

    def groups(self) -> list[DncGroup]:
        """Every DNC group."""
        return self._call(self.requests.groups())

    def create_group(self, name: str, description: str | None = None) -> DncGroup:
        """Create a DNC group."""
        return self._call(self.requests.create_group(name, description))

    def add_records(self, group_id: int, records: Sequence[Record]) -> BatchResult:
        """Add numbers to a group."""
        return self._call(self.requests.add_records(group_id, records))

    def expire_records(self, group_id: int, records: Sequence[Record]) -> BatchResult:
        """Expire numbers in a group."""
        return self._call(self.requests.expire_records(group_id, records))

    def search(self, phone_number: str) -> list[DncSearchResult]:
        """The groups listing a number."""
        return self._call(self.requests.search(phone_number))

    def scrub_skill(self, group_id: int, skill_id: int) -> None:
        """Scrub a skill's dialing against a group."""
        self._call(self.requests.scrub_skill(group_id, skill_id))


class AsyncDnc(AsyncResource):
    """``client.dnc`` on the async client."""

    requests = DncRequests()

    async def groups(self) -> list[DncGroup]:
        """Every DNC group."""
        return await self._call(self.requests.groups())

    async def create_group(self, name: str, description: str | None = None) -> DncGroup:
        """Create a DNC group."""
        return await self._call(self.requests.create_group(name, description))

    async def add_records(self, group_id: int, records: Sequence[Record]) -> BatchResult:
        """Add numbers to a group."""
        return await self._call(self.requests.add_records(group_id, records))

    async def expire_records(self, group_id: int, records: Sequence[Record]) -> BatchResult:
        """Expire numbers in a group."""
        return await self._call(self.requests.expire_records(group_id, records))

    async def search(self, phone_number: str) -> list[DncSearchResult]:
        """The groups listing a number."""
        return await self._call(self.requests.search(phone_number))

    async def scrub_skill(self, group_id: int, skill_id: int) -> None:
        """Scrub a skill's dialing against a group."""
        await self._call(self.requests.scrub_skill(group_id, skill_id))
