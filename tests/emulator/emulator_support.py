"""Helpers shared by the emulator tests (a plain-httpx wrapper, not the cxdial client)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from cxdial.emulator.credentials import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
)

__all__ = ["ACD", "Api", "day_ago", "grant"]

ACD = "/inContactAPI/services/v30.0"


class Api:
    """A thin bearer-token wrapper over the emulator for tests (not the cxdial client)."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    async def call(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """One ACD API request under v30.0."""
        headers = {**self.headers, **kw.pop("headers", {})}
        return await self.client.request(method, ACD + path, headers=headers, **kw)

    async def contact(self, contact_id: int) -> dict[str, Any]:
        """``GET /contacts/{id}``: the record the spec nests under ``contactId``."""
        response = await self.call("GET", f"/contacts/{contact_id}")
        record: dict[str, Any] = response.json()["contactId"]
        return record

    async def completed(self, **params: Any) -> httpx.Response:
        """``GET /contacts/completed`` updated within the last day (CXone needs a date)."""
        return await self.call(
            "GET", "/contacts/completed", params={"updatedSince": day_ago(), **params}
        )

    async def advance(self, seconds: float) -> None:
        """Move the manual clock."""
        response = await self.client.post("/_emulator/clock/advance", json={"seconds": seconds})
        response.raise_for_status()

    async def pc_skill(self, name: str = "Campaign") -> int:
        """Create a Personal Connection skill and return its id."""
        body = {
            "skills": [
                {
                    "skillName": name,
                    "mediaTypeId": 4,
                    "isOutbound": True,
                    "outboundStrategy": "Personal Connection",
                }
            ]
        }
        response = await self.call("POST", "/skills", json=body)
        return int(response.json()["skillsResults"][0]["skillId"])

    async def upload(self, skill_id: int, rows: list[tuple[str, str]], **extra: Any) -> int:
        """Map a list, upload ``(externalId, phone)`` rows to the skill; return the job id."""
        mapping = {
            "listName": f"list-{skill_id}-{len(rows)}",
            "externalIdColumn": "id",
            "destinationMappings": [{"fieldName": "PhoneNumber", "fieldValue": "phone"}],
        }
        list_id = (await self.call("POST", "/lists/call-lists", json=mapping)).json()["listId"]
        csv = "id,phone\n" + "".join(f"{i},{p}\n" for i, p in rows)
        body = {
            "listFile": base64.b64encode(csv.encode()).decode(),
            "fileName": "t.csv",
            "skillId": skill_id,
            **extra,
        }
        response = await self.call("POST", f"/lists/call-lists/{list_id}/upload", json=body)
        assert response.status_code == 202, response.text
        return int(response.json()["jobId"])


def day_ago() -> str:
    """An ``updatedSince`` a day back: inside CXone's 30-day window on a fresh emulator."""
    return (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")


async def grant(
    client: httpx.AsyncClient, key: str = DEMO_ACCESS_KEY_ID, secret: str = DEMO_ACCESS_KEY_SECRET
) -> httpx.Response:
    """A password grant with Basic client authentication."""
    return await client.post(
        "/auth/token",
        data={"grant_type": "password", "username": key, "password": secret},
        auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
    )
