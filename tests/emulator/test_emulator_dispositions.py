"""Dispositions: batch create, detail, update, status, classifications, skills, contacts.

Source of every shape: calljacob/nice-cxone-api @28a1bd4b ``AdminSkillsService.ts`` (CJ),
generated from NICE's OpenAPI; contact disposition shapes: cxone-api.md §3.5 (CJ, SDK v27).
"""

from __future__ import annotations

import httpx
import pytest
from admin_support import dial, readonly
from emulator_support import Api

from cxdial.emulator.credentials import DEMO_SKILL_ID

pytestmark = pytest.mark.anyio


async def test_batch_create_answers_per_item_results(api: Api) -> None:
    """CJ postDispositions: 200 with errorCount and a result per item, even on failure."""
    body = {
        "dispositions": [
            {"dispositionName": "Promise To Pay", "isPreviewDisposition": False},
            {"dispositionName": "Sale", "isPreviewDisposition": False},
            {"dispositionName": "Bad", "isPreviewDisposition": True, "classificationId": 99},
        ]
    }
    response = await api.call("POST", "/dispositions", json=body)
    assert response.status_code == 200
    result = response.json()
    assert result["errorCount"] == 2
    first, dup, bad = result["dispositionResults"]
    assert first["success"] is True
    assert first["dispositionId"] > 8
    assert dup["success"] is False
    assert "already exists" in dup["error"]
    assert "classificationId 99" in bad["error"]
    detail = (await api.call("GET", f"/dispositions/{first['dispositionId']}")).json()
    assert detail["dispositionName"] == "Promise To Pay"
    assert detail["classificationName"] == "Contact Final"


async def test_create_names_missing_field(api: Api) -> None:
    """CJ requires isPreviewDisposition on each item: a 400 names the field."""
    body = {"dispositions": [{"dispositionName": "X"}]}
    response = await api.call("POST", "/dispositions", json=body)
    assert response.status_code == 400
    assert "dispositions.0.isPreviewDisposition" in response.json()["errorDescription"]


async def test_detail_is_flat_with_spec_fields(api: Api) -> None:
    """CJ getDispositionsId: a flat object with classification and outcome fields."""
    detail = (await api.call("GET", "/dispositions/5")).json()
    assert detail["dispositionId"] == 5
    assert detail["dispositionName"] == "No Answer"
    assert detail["classificationId"] == 5
    assert detail["systemOutcome"] == "No Answer"
    assert {"dialerAgentOutcomeId", "isAgentSpecific", "lastUpdated"} <= set(detail)


async def test_unknown_disposition_is_404(api: Api) -> None:
    """An unknown id is a 404 naming it."""
    response = await api.call("GET", "/dispositions/4242")
    assert response.status_code == 404
    assert "4242" in response.json()["errorDescription"]


async def test_update_then_deactivate(api: Api) -> None:
    """CJ putDispositionsId changes fields; PATCH .../status takes isActive (body or query)."""
    put = await api.call("PUT", "/dispositions/3", json={"dispositionName": "Callback Later"})
    assert put.status_code == 200
    patch = await api.call("PATCH", "/dispositions/3/status", json={"isActive": False})
    assert patch.status_code == 200
    detail = (await api.call("GET", "/dispositions/3")).json()
    assert detail["dispositionName"] == "Callback Later"
    assert detail["isActive"] is False
    again = await api.call("PATCH", "/dispositions/3/status", params={"isActive": "true"})
    assert again.status_code == 200
    assert (await api.call("GET", "/dispositions/3")).json()["isActive"] is True


async def test_update_rejects_unknown_field_and_classification(api: Api) -> None:
    """Unknown fields and classifications are 400s naming them."""
    unknown = await api.call("PUT", "/dispositions/3", json={"dispositionNam": "x"})
    assert unknown.status_code == 400
    assert "dispositionNam" in unknown.json()["errorDescription"]
    bad = await api.call("PUT", "/dispositions/3", json={"classificationId": 77})
    assert bad.status_code == 400
    assert "classificationId 77" in bad.json()["errorDescription"]
    missing = await api.call("PATCH", "/dispositions/3/status")
    assert missing.status_code == 400
    assert "isActive" in missing.json()["errorDescription"]


async def test_classifications_list(api: Api) -> None:
    """CJ dispostionClassifications: classificationResults with finality flags."""
    body = (await api.call("GET", "/dispositions/classifications")).json()
    results = {c["classificationName"]: c for c in body["classificationResults"]}
    assert body["totalRecords"] == len(results)
    assert results["Success"]["isContactFinal"] is True
    assert results["Callback"]["carryoverForCallback"] is True
    assert results["Destination Final"]["isDestinationFinal"] is True


async def test_dispositions_skills_lists_assignments(api: Api) -> None:
    """CJ getDispositionsSkills: each disposition with the skills it is assigned to."""
    body = (await api.call("GET", "/dispositions/skills")).json()
    sale = next(d for d in body["dispositions"] if d["dispositionId"] == 1)
    assert DEMO_SKILL_ID in [s["skillId"] for s in sale["skills"]]


async def test_skill_dispositions_and_unassigned(api: Api) -> None:
    """CJ dispositionList / dispositionsNotAssignedSkill; a new disposition is unassigned."""
    listed = (await api.call("GET", f"/skills/{DEMO_SKILL_ID}/dispositions")).json()
    assert listed["skillId"] == DEMO_SKILL_ID
    assert {d["dispositionId"] for d in listed["dispositions"]} == set(range(1, 9))
    assert (
        await api.call("GET", f"/skills/{DEMO_SKILL_ID}/dispositions/unassigned")
    ).status_code == 204
    body = {"dispositions": [{"dispositionName": "Spanish", "isPreviewDisposition": False}]}
    new_id = (await api.call("POST", "/dispositions", json=body)).json()["dispositionResults"][0][
        "dispositionId"
    ]
    unassigned = (await api.call("GET", f"/skills/{DEMO_SKILL_ID}/dispositions/unassigned")).json()
    assert [d["dispositionId"] for d in unassigned["dispositions"]] == [new_id]
    assert (await api.call("GET", "/skills/999/dispositions")).status_code == 404


async def test_contact_disposition_follows_set_disposition(api: Api) -> None:
    """cxone-api.md §3.5: set-disposition {dispositionInfo:{skill, dispositionCode, notes}}
    is read back by GET /contacts/{id}/disposition."""
    contact_id = await dial(api, DEMO_SKILL_ID, "+12125550000")
    assert (await api.call("GET", f"/contacts/{contact_id}/disposition")).status_code == 204
    info = {"skill": str(DEMO_SKILL_ID), "dispositionCode": 1, "notes": "bought"}
    response = await api.call(
        "POST", f"/contacts/{contact_id}/set-disposition", json={"dispositionInfo": info}
    )
    assert response.status_code == 200
    got = (await api.call("GET", f"/contacts/{contact_id}/disposition")).json()
    assert got["dispositionId"] == 1
    assert got["dispositionName"] == "Sale"
    assert got["notes"] == "bought"
    assert "dispositionByAgendId" in got


async def test_set_disposition_errors(api: Api) -> None:
    """Wrong skill, unknown code, missing dispositionInfo: 400s naming the field; 404 contact."""
    contact_id = await dial(api, DEMO_SKILL_ID, "+12125550000")
    path = f"/contacts/{contact_id}/set-disposition"
    wrong = await api.call(
        "POST", path, json={"dispositionInfo": {"skill": 5, "dispositionCode": 1}}
    )
    assert "dispositionInfo.skill" in wrong.json()["errorDescription"]
    code = {"skill": DEMO_SKILL_ID, "dispositionCode": 4242}
    unknown = await api.call("POST", path, json={"dispositionInfo": code})
    assert unknown.status_code == 400
    assert "dispositionCode" in unknown.json()["errorDescription"]
    empty = await api.call("POST", path, json={})
    assert "dispositionInfo" in empty.json()["errorDescription"]
    assert (await api.call("GET", "/contacts/1/disposition")).status_code == 404


async def test_writes_need_dispositions_edit(client: httpx.AsyncClient) -> None:
    """The view-only key may read dispositions but not create them: 403 names the permission."""
    viewer = await readonly(client)
    assert (await viewer.call("GET", "/dispositions/1")).status_code == 200
    denied = await viewer.call("POST", "/dispositions", json={"dispositions": []})
    assert denied.status_code == 403
    assert "Dispositions Edit" in denied.json()["errorDescription"]
