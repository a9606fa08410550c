"""Helpers of the campaign, disposition, reporting and general-route tests."""

from __future__ import annotations

from typing import Any

import httpx
from emulator_support import ACD, Api, grant

from cxdial.emulator.credentials import READONLY_ACCESS_KEY_ID, READONLY_ACCESS_KEY_SECRET

__all__ = ["SCRIPT", "at_version", "dial", "readonly"]

SCRIPT = "Personal\\cxdial\\AdhocDial"
CALLER = "+18005550100"


async def readonly(client: httpx.AsyncClient) -> Api:
    """An :class:`Api` for the view-only demo key (for 403 tests)."""
    token = (await grant(client, READONLY_ACCESS_KEY_ID, READONLY_ACCESS_KEY_SECRET)).json()
    return Api(client, token["access_token"])


async def dial(api: Api, skill: int, to: str, context: str = "ctx") -> int:
    """Place an ad-hoc call through ``/scripts/start``; return its contact id."""
    params = {"skillId": skill, "scriptPath": SCRIPT, "parameters": f"{to}|{CALLER}|{context}"}
    response = await api.call("POST", "/scripts/start", params=params)
    assert response.status_code in (200, 202), response.text
    return int(response.json()["contactId"])


async def at_version(api: Api, version: str, method: str, path: str, **kw: Any) -> httpx.Response:
    """One request under another API version than the default v30.0."""
    url = ACD.replace("v30.0", version) + path
    headers = {**api.headers, **kw.pop("headers", {})}
    return await api.client.request(method, url, headers=headers, **kw)
