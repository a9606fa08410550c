"""The PC dialer honours each record's window columns and the skill's hours per time zone."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from emulator_support import Api, grant

from cxdial.emulator import EmulatorConfig, create_app
from cxdial.emulator.testing import asgi_client

pytestmark = pytest.mark.anyio

NEW_YORK = ZoneInfo("America/New_York")
START = datetime(2026, 11, 24, 20, 55, tzinfo=NEW_YORK)  # a Tuesday evening in New York
COLUMNS = {
    "timeZoneColumn": "tz",
    "callRequestTimeColumn": "after",
    "callRequestStaleColumn": "stale",
    "expirationDateColumn": "expires",
}


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    """An emulator whose simulated time starts at 20:55 in New York (manual clock)."""
    app = create_app(EmulatorConfig(manual_clock=True, agents=3, start_at=START))
    async with asgi_client(app) as http:
        response = await grant(http)
        yield Api(http, response.json()["access_token"])


async def _upload(api: Api, skill: int, rows: list[dict[str, str]], **extra: Any) -> int:
    mapping = {
        "listName": f"windows-{skill}",
        "externalIdColumn": "id",
        "destinationMappings": [{"fieldName": "PhoneNumber", "fieldValue": "phone"}],
        **COLUMNS,
    }
    created = await api.call("POST", "/lists/call-lists", json=mapping)
    assert created.status_code == 200, created.text
    header = ["id", "phone", *COLUMNS.values()]
    lines = [",".join(header)] + [",".join(r.get(c, "") for c in header) for r in rows]
    body = {
        "listFile": base64.b64encode(("\n".join(lines) + "\n").encode()).decode(),
        "fileName": "w.csv",
        "skillId": skill,
        **extra,
    }
    response = await api.call(
        "POST", f"/lists/call-lists/{created.json()['listId']}/upload", json=body
    )
    assert response.status_code == 202, response.text
    await api.advance(3)
    job = await api.call("GET", f"/lists/call-lists/jobs/{response.json()['jobId']}")
    return int(created.json()["listId"]) if job.json()["uploadJobs"][0]["isComplete"] else -1


async def _dialed(api: Api, skill: int) -> set[str]:
    dials = (await api.client.get("/_emulator/dials")).json()["dials"]
    return {d["to"] for d in dials if d["skillId"] == skill}


async def _start(api: Api, skill: int) -> None:
    assert (await api.call("POST", f"/skills/{skill}/start")).status_code == 202


def _iso(moment: datetime) -> str:
    return moment.isoformat()


async def test_an_expired_record_is_retired_not_dialed(api: Api) -> None:
    """Cleared at 20:55, expiring 21:00: a start at 21:05 dials nothing, the record is retired."""
    skill = await api.pc_skill("expiring")
    closes = START.replace(hour=21, minute=0)
    rows = [
        {
            "id": "e1",
            "phone": "+12125550100",
            "tz": "Eastern Standard Time",
            "expires": _iso(closes),
        }
    ]
    list_id = await _upload(api, skill, rows)
    await api.advance(600)  # 21:05
    await _start(api, skill)
    await api.advance(60)
    assert await _dialed(api, skill) == set()
    body = (
        await api.call("GET", f"/lists/call-lists/{list_id}", params={"includeRecords": "true"})
    ).json()
    assert [r["finalReason"] for r in body["resultSet"]["contactRecords"]] == ["Expired"]


async def test_a_record_inside_its_window_is_dialed(api: Api) -> None:
    """The same record, with the skill running before 21:00, is dialed."""
    skill = await api.pc_skill("in-window")
    rows = [
        {"id": "w1", "phone": "+12125550101", "expires": _iso(START.replace(hour=21, minute=0))}
    ]
    await _upload(api, skill, rows)
    await _start(api, skill)
    await api.advance(5)
    assert await _dialed(api, skill) == {"+12125550101"}


async def test_call_request_time_and_stale_minutes(api: Api) -> None:
    """Not dialed before its call request time; a request gone stale is retired."""
    skill = await api.pc_skill("requests")
    later = START + timedelta(minutes=30)
    rows = [
        {"id": "c1", "phone": "+12125550102", "after": _iso(later), "stale": "10"},
        {
            "id": "c2",
            "phone": "+12125550103",
            "after": _iso(START - timedelta(hours=1)),
            "stale": "5",
        },
    ]
    list_id = await _upload(api, skill, rows)
    await _start(api, skill)
    await api.advance(60)
    assert await _dialed(api, skill) == set()  # c1 is not due yet, c2 went stale an hour ago
    await api.advance(30 * 60)
    assert await _dialed(api, skill) == {"+12125550102"}
    body = (
        await api.call("GET", f"/lists/call-lists/{list_id}", params={"includeRecords": "true"})
    ).json()
    reasons = {r["externalId"]: r["finalReason"] for r in body["resultSet"]["contactRecords"]}
    assert reasons["c2"] == "Call Request Stale"


async def test_the_skill_hours_apply_in_the_records_time_zone(api: Api) -> None:
    """A zone override 10:00-19:00 Central holds a Central record until 10:00 the next day."""
    skill = await api.pc_skill("zones")
    zones = [
        {
            "standardName": "America/Chicago",
            "startTime": "10:00",
            "endTime": "19:00",
            "timeZoneActiveToCall": True,
            "overrideTime": True,
        }
    ]
    put = await api.call(
        "PUT", f"/skills/{skill}/parameters/time-zones", json={"timeZoneSettings": zones}
    )
    assert put.status_code == 200, put.text
    rows = [
        {"id": "z1", "phone": "+13125550104", "tz": "Central Standard Time"},
        {"id": "z2", "phone": "+13125550105"},
    ]  # no time zone: no local window
    await _upload(api, skill, rows)
    await _start(api, skill)
    await api.advance(5)
    assert await _dialed(api, skill) == {"+13125550105"}  # 19:55 in Chicago: z1 waits
    ten = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("America/Chicago"))
    await api.advance((ten - START).total_seconds() - 200)
    assert await _dialed(api, skill) == {"+13125550105"}
    await api.advance(300)
    assert await _dialed(api, skill) == {"+13125550104", "+13125550105"}


async def test_a_bad_window_value_rejects_the_record(api: Api) -> None:
    """An unreadable expiration or zone makes the record invalid, named in the job's errors."""
    skill = await api.pc_skill("bad")
    rows = [
        {"id": "b1", "phone": "+12125550106", "expires": "tomorrow"},
        {"id": "b2", "phone": "+12125550107", "tz": "Mars Standard Time"},
    ]
    mapping = {
        "listName": "bad-windows",
        "externalIdColumn": "id",
        "destinationMappings": [{"fieldName": "PhoneNumber", "fieldValue": "phone"}],
        **COLUMNS,
    }
    list_id = (await api.call("POST", "/lists/call-lists", json=mapping)).json()["listId"]
    header = ["id", "phone", *COLUMNS.values()]
    csv = "\n".join([",".join(header)] + [",".join(r.get(c, "") for c in header) for r in rows])
    body = {
        "listFile": base64.b64encode(csv.encode()).decode(),
        "fileName": "b.csv",
        "skillId": skill,
    }
    job_id = (await api.call("POST", f"/lists/call-lists/{list_id}/upload", json=body)).json()[
        "jobId"
    ]
    await api.advance(3)
    job = (await api.call("GET", f"/lists/call-lists/jobs/{job_id}")).json()["uploadJobs"][0]
    assert (job["validRecords"], job["invalidRecords"]) == (0, 2)
    assert any("expirationDate 'tomorrow'" in e for e in job["errors"])
    assert any("Mars Standard Time" in e for e in job["errors"])
