"""Strict request validation, batch results, pagination and 204s."""

from __future__ import annotations

import pytest
from emulator_support import Api

pytestmark = pytest.mark.anyio


async def test_dial_with_phone_instead_of_phone_number_names_the_field(api: Api) -> None:
    """An unknown body field is refused with a 400 naming it and the expected name."""
    skill = await api.pc_skill()
    session = (await api.call("POST", "/agent-sessions", json={})).json()["sessionId"]
    response = await api.call(
        "POST",
        f"/agent-sessions/{session}/dial-phone",
        json={"phone": "+12125550000", "skillId": skill},
    )
    assert response.status_code == 400
    assert response.json()["errorDescription"] == "Unknown field 'phone'; expected phoneNumber"
    assert response.headers["icStatusDescription"] == response.json()["errorDescription"]


async def test_wrong_type_names_the_field(api: Api) -> None:
    """A string where an integer belongs is refused, naming the field."""
    response = await api.call(
        "POST", "/skills", json={"skills": [{"skillName": "x", "mediaTypeId": "4"}]}
    )
    assert response.status_code == 400
    assert "skills.0.mediaTypeId" in response.json()["errorDescription"]


async def test_nested_unknown_parameter_field(api: Api) -> None:
    """Unknown names inside a parameter block are refused with the closest valid name."""
    skill = await api.pc_skill()
    response = await api.call(
        "PUT",
        f"/skills/{skill}/parameters/retry-settings",
        json={"retrySettings": {"maxAttempts": 2}},
    )
    assert response.status_code == 400
    assert response.json()["errorDescription"] == (
        "Unknown field 'retrySettings.maxAttempts'; expected maximumAttempts"
    )


async def test_parameters_round_trip(api: Api) -> None:
    """A PUT parameter block merges into the skill's parameters and reads back."""
    skill = await api.pc_skill()
    body = {"retrySettings": {"maximumAttempts": 5, "minimumRetryMinutes": 30}}
    assert (
        await api.call("PUT", f"/skills/{skill}/parameters/retry-settings", json=body)
    ).status_code == 200
    got = (await api.call("GET", f"/skills/{skill}/parameters/retry-settings")).json()
    assert got["maximumAttempts"] == 5
    assert got["finalizeWhenExhausted"] is True
    everything = (await api.call("GET", f"/skills/{skill}/parameters")).json()
    assert set(everything) >= {
        "generalSettings",
        "retrySettings",
        "scheduleSettings",
        "cpaSettings",
    }
    bad = await api.call("GET", f"/skills/{skill}/parameters/bogus")
    assert bad.status_code == 404


async def test_batch_skill_create_reports_per_item_failures_with_200(api: Api) -> None:
    """POST /skills answers 200 with errorCount and one result per item."""
    body = {
        "skills": [
            {
                "skillName": "A",
                "mediaTypeId": 4,
                "isOutbound": True,
                "outboundStrategy": "Personal Connection",
            },
            {"skillName": "A"},
            {"skillName": "B", "callerIdOverride": "+19995550100"},
        ]
    }
    response = await api.call("POST", "/skills", json=body)
    assert response.status_code == 200
    result = response.json()
    assert result["errorCount"] == 2
    assert [r["success"] for r in result["skillsResults"]] == [True, False, False]
    assert "already exists" in result["skillsResults"][1]["error"]
    assert "not a number this business unit owns" in result["skillsResults"][2]["error"]


async def test_list_mapping_requires_external_id_column(api: Api) -> None:
    """A calling-list mapping without externalIdColumn is refused naming it."""
    body = {
        "listName": "L",
        "destinationMappings": [{"fieldName": "PhoneNumber", "fieldValue": "p"}],
    }
    response = await api.call("POST", "/lists/call-lists", json=body)
    assert response.status_code == 400
    assert "externalIdColumn" in response.json()["errorDescription"]


async def test_upload_missing_csv_column_is_named(api: Api) -> None:
    """An upload whose CSV lacks a mapped column is refused naming the column."""
    skill = await api.pc_skill()
    mapping = {
        "listName": "L",
        "externalIdColumn": "id",
        "destinationMappings": [{"fieldName": "PhoneNumber", "fieldValue": "mobile"}],
    }
    list_id = (await api.call("POST", "/lists/call-lists", json=mapping)).json()["listId"]
    body = {"listFile": "aWQscGhvbmUKMSwyMTI1NTUwMDAwCg==", "fileName": "x.csv", "skillId": skill}
    response = await api.call("POST", f"/lists/call-lists/{list_id}/upload", json=body)
    assert response.status_code == 400
    assert "'mobile'" in response.json()["errorDescription"]


async def test_query_type_error_is_400_naming_parameter(api: Api) -> None:
    """A non-integer query parameter answers 400 (not 422) naming it."""
    response = await api.call("GET", "/skills", params={"top": "many"})
    assert response.status_code == 400
    assert "'top'" in response.json()["errorDescription"]


async def test_pagination_top_skip_total_and_next_link(api: Api) -> None:
    """List endpoints page with top/skip and report totalRecords and _links.next."""
    for i in range(4):
        await api.pc_skill(f"S{i}")
    first = (await api.call("GET", "/skills", params={"top": 2})).json()
    assert first["totalRecords"] == 5
    assert len(first["skills"]) == 2
    assert "skip=2" in first["_links"]["next"]
    last = (await api.call("GET", "/skills", params={"top": 2, "skip": 4})).json()
    assert len(last["skills"]) == 1
    assert last["_links"]["next"] is None
    assert "skip=2" in last["_links"]["previous"]


async def test_empty_reports_answer_204(api: Api) -> None:
    """Completed and active contacts answer 204 when there is nothing to report."""
    assert (await api.completed()).status_code == 204
    assert (await api.call("GET", "/contacts/active")).status_code == 204


async def test_agent_states_204_when_unchanged(api: Api) -> None:
    """/agents/states answers 204 when no agent changed since updatedSince."""
    first = await api.call("GET", "/agents/states")
    assert first.status_code == 200
    poll = first.json()["lastPollTime"]
    again = await api.call("GET", "/agents/states", params={"updatedSince": poll})
    assert again.status_code == 204


async def test_unknown_skill_is_404(api: Api) -> None:
    """Lookups of unknown ids answer 404 in CXone's error shape."""
    response = await api.call("GET", "/skills/1")
    assert response.status_code == 404
    assert response.json()["error"] == "SkillNotFound"


async def test_bad_order_by_and_filter_values_are_named(api: Api) -> None:
    """A bad orderBy direction or a non-integer id filter is a 400 naming it."""
    direction = await api.completed(orderBy="contactId sideways")
    assert direction.status_code == 400
    assert "orderBy" in direction.json()["errorDescription"]
    unknown = await api.completed(orderBy="nope asc")
    assert "'nope'" in unknown.json()["errorDescription"]
    number = await api.completed(skillId="abc")
    assert number.status_code == 400
    assert "'skillId'" in number.json()["errorDescription"]


async def test_bare_array_only_where_clients_send_one(api: Api) -> None:
    """A bare JSON array is read as the batch only on skill agents; elsewhere it is a 400."""
    response = await api.call("POST", "/skills", json=[{"skillName": "x"}])
    assert response.status_code == 400
    assert response.json()["errorDescription"] == "Request body must be a JSON object"


async def test_successes_carry_ic_status_description(api: Api) -> None:
    """Successful answers carry icStatusDescription as CXone's do (QA v12 asserts it)."""
    ok = await api.call("GET", "/skills")
    assert ok.headers["icStatusDescription"] == "Success"
    skill = await api.pc_skill()
    started = await api.call("POST", f"/skills/{skill}/start")
    assert started.headers["icStatusDescription"] == "Accepted"
