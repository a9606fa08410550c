"""Server time, time zones, API versions, hours of operation and interaction signals.

Sources: calljacob/nice-cxone-api @28a1bd4b ``AdminGeneralService.ts`` (CJ);
outboundani/cxone-mcp @17439bd6 ``src/tools.js`` (MCP, hours of operation on a live tenant);
Cognigy/Extensions @6bfc614b ``extensions/cxone/src/api/cxone-api-client.ts`` (COG, signals).
"""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest
from admin_support import dial, readonly
from emulator_support import Api
from fastapi import FastAPI

from cxdial.emulator.credentials import DEMO_SKILL_ID
from cxdial.emulator.world import World

pytestmark = pytest.mark.anyio

WEEKDAYS = [
    {"day": day, "openTime": "09:00", "closeTime": "20:00", "isClosedAllDay": False}
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
]


async def test_server_time_moves_with_the_clock(api: Api) -> None:
    """CJ getServerTimeResponse {ServerTime}: the simulated time, which the clock advances."""
    first = datetime.fromisoformat((await api.call("GET", "/server-time")).json()["ServerTime"])
    await api.advance(90)
    second = datetime.fromisoformat((await api.call("GET", "/server-time")).json()["ServerTime"])
    assert (second - first).total_seconds() == 90


async def test_time_zones(api: Api) -> None:
    """CJ getTimeZonesResponse: timeZones[{displayName, standardName, offset}]."""
    zones = (await api.call("GET", "/timezones")).json()["timeZones"]
    eastern = next(z for z in zones if z["standardName"] == "Eastern Standard Time")
    assert eastern["offset"] == "-05:00"
    assert eastern["displayName"].startswith("(UTC-05:00)")


async def test_api_versions_come_from_the_route_table(api: Api) -> None:
    """CJ getApiversion apiInfo[{uri, version, verb}], filtered by searchUriText and verb;
    the emulator's own new routes are in it, spelled with camelCase parameters."""
    body = (
        await api.call("GET", "/apiversion", params={"searchUriText": "cadence", "verb": "put"})
    ).json()
    assert body["apiInfo"] == [
        {"uri": "/skills/{skillId}/parameters/cadence-settings", "version": 34, "verb": "PUT"}
    ]
    every = (await api.call("GET", "/apiversion")).json()["apiInfo"]
    assert {"uri": "/contacts/completed", "version": 34, "verb": "GET"} in every
    none = await api.call("GET", "/apiversion", params={"searchUriText": "no-such-thing"})
    assert none.status_code == 204


async def _profile(api: Api, name: str = "US Calling Hours") -> int:
    body = {"profileName": name, "days": WEEKDAYS, "skills": [{"skillId": DEMO_SKILL_ID}]}
    response = await api.call("POST", "/hours-of-operation", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["profileName"] == name
    return int(response.json()["profileId"])


async def test_hours_of_operation_create_read_list(api: Api) -> None:
    """CJ postHoursOfOperation → {profileId, profileName}; GET by id has days and skills."""
    assert (await api.call("GET", "/hours-of-operation")).status_code == 204
    profile_id = await _profile(api)
    detail = (await api.call("GET", f"/hours-of-operation/{profile_id}")).json()
    assert detail["hoursOfOperationProfileName"] == "US Calling Hours"
    assert detail["days"][0]["day"] == "Monday"
    assert detail["skills"] == [{"skillId": DEMO_SKILL_ID, "skillName": "Outbound PC Default"}]
    listed = (await api.call("GET", "/hours-of-operation")).json()
    assert listed["hoursOfOperation"][0]["hoursOfOperationProfileId"] == profile_id
    assert listed["totalRecords"] == 1


async def test_hours_of_operation_update_skills_delete(api: Api) -> None:
    """CJ updateHoursOfOperation (name, days, holidays required), .../skills, delete."""
    profile_id = await _profile(api)
    update = {
        "hoursOfOperationProfileName": "Renamed",
        "days": WEEKDAYS[:1],
        "holidays": [{"holidayName": "New Year", "date": "2027-01-01", "isClosedAllDay": True}],
    }
    assert (
        await api.call("PUT", f"/hours-of-operation/{profile_id}", json=update)
    ).status_code == 200
    unassign = {"assign": False, "skills": [DEMO_SKILL_ID]}
    assert (
        await api.call("PUT", f"/hours-of-operation/{profile_id}/skills", json=unassign)
    ).status_code == 200
    detail = (await api.call("GET", f"/hours-of-operation/{profile_id}")).json()
    assert detail["hoursOfOperationProfileName"] == "Renamed"
    assert detail["holidays"][0]["name"] == "New Year"
    assert detail["skills"] == []
    assert (await api.call("DELETE", f"/hours-of-operation/{profile_id}")).status_code == 200
    assert (await api.call("GET", f"/hours-of-operation/{profile_id}")).status_code == 404
    deleted = await api.call("GET", "/hours-of-operation", params={"isDeleted": "true"})
    assert deleted.json()["hoursOfOperation"][0]["isDeleted"] is True


async def test_hours_of_operation_errors(api: Api) -> None:
    """Bad day names, bad times, missing required fields and duplicates are refused."""
    bad_day = {"profileName": "x", "days": [{"day": "Funday"}]}
    assert (
        "days[0].day"
        in (await api.call("POST", "/hours-of-operation", json=bad_day)).json()["errorDescription"]
    )
    bad_time = {"profileName": "x", "days": [{"day": "Monday", "openTime": "9am"}]}
    assert (
        "openTime"
        in (await api.call("POST", "/hours-of-operation", json=bad_time)).json()["errorDescription"]
    )
    profile_id = await _profile(api)
    partial = await api.call("PUT", f"/hours-of-operation/{profile_id}", json={"days": []})
    assert "hoursOfOperationProfileName" in partial.json()["errorDescription"]
    dup = await api.call("POST", "/hours-of-operation", json={"profileName": "us calling hours"})
    assert dup.status_code == 409


async def test_hours_of_operation_edit_permission(client: httpx.AsyncClient) -> None:
    """The view-only key may list profiles but not create them."""
    viewer = await readonly(client)
    assert (await viewer.call("GET", "/hours-of-operation")).status_code == 204
    denied = await viewer.call("POST", "/hours-of-operation", json={"profileName": "x"})
    assert denied.status_code == 403
    assert "Hours of Operation Edit" in denied.json()["errorDescription"]


async def test_signal_handover_form(api: Api, app: FastAPI) -> None:
    """COG sendSignalHandover: p1 in the query, p2.. in a JSON body; 2xx; recorded in order."""
    contact_id = await dial(api, DEMO_SKILL_ID, "+12125550005")
    response = await api.call(
        "POST",
        f"/interactions/{contact_id}/signal",
        params={"p1": "handover"},
        json={"p2": "queue-7", "p3": "vip"},
    )
    assert response.status_code == 202
    world = app.state.world
    assert isinstance(world, World)
    assert world.admin.signals[-1].parameters == ("handover", "queue-7", "vip")
    assert world.admin.signals[-1].contact_id == contact_id


async def test_signal_query_form_and_errors(api: Api) -> None:
    """COG sendSignal: all parameters in the query; p1 required; ended contacts 409."""
    contact_id = await dial(api, DEMO_SKILL_ID, "+12125550005")
    path = f"/interactions/{contact_id}/signal"
    assert (await api.call("POST", path, params={"p1": "a", "p2": "b"})).status_code == 202
    no_p1 = await api.call("POST", path, json={"p2": "b"})
    assert "'p1'" in no_p1.json()["errorDescription"]
    unknown = await api.call("POST", path, params={"p1": "a", "x": "1"})
    assert "'x'" in unknown.json()["errorDescription"]
    assert (await api.call("POST", "/interactions/1/signal", params={"p1": "a"})).status_code == 404
    await api.call("POST", f"/contacts/{contact_id}/end")
    assert (await api.call("POST", path, params={"p1": "a"})).status_code == 409
