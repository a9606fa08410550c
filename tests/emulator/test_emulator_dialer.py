"""The PC dialer: uploads complete, started skills dial, DNC scrubbing, attempts, pacing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from emulator_support import Api, day_ago, grant

from cxdial.emulator import EmulatorConfig, create_app
from cxdial.emulator.testing import asgi_client
from cxdial.pacing.policy import DialerState

pytestmark = pytest.mark.anyio

ROWS = [(f"r{i}", f"+1212555{i:04d}") for i in range(10, 16)]


async def test_upload_job_completes_after_delay(api: Api) -> None:
    """An upload job is processing until the simulated delay passes, then complete."""
    skill = await api.pc_skill()
    job = await api.upload(skill, ROWS)
    pending = (await api.call("GET", f"/lists/call-lists/jobs/{job}")).json()["uploadJobs"][0]
    assert pending["isComplete"] is False
    await api.advance(5)
    done = (await api.call("GET", f"/lists/call-lists/jobs/{job}")).json()["uploadJobs"][0]
    assert done["isComplete"] is True
    assert done["validRecords"] == len(ROWS)
    jobs = (await api.call("GET", "/lists/call-lists/jobs")).json()
    assert jobs["totalRecords"] == 1


async def test_cancel_pending_upload(api: Api) -> None:
    """A pending upload can be cancelled and then never loads; a completed one cannot."""
    skill = await api.pc_skill()
    job = await api.upload(skill, ROWS)
    assert (await api.call("DELETE", f"/lists/call-lists/jobs/{job}")).status_code == 200
    await api.advance(5)
    body = (await api.call("GET", f"/lists/call-lists/jobs/{job}")).json()["uploadJobs"][0]
    assert body["isCancelled"] is True
    assert body["validRecords"] == 0


async def test_started_skill_dials_records_to_completion(api: Api) -> None:
    """startSkill=true: the skill dials every record; completed contacts appear per record."""
    skill = await api.pc_skill()
    await api.upload(skill, ROWS, startSkill=True)
    for _ in range(40):
        await api.advance(30)
    completed = (await api.completed(skillId=skill)).json()
    dialed = {c["toAddress"] for c in completed["completedContacts"]}
    assert dialed == {phone for _, phone in ROWS}
    assert all(c["endReason"] for c in completed["completedContacts"])
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    window = {"startDate": day_ago(), "endDate": tomorrow}  # required, at most 31 days
    summary = (await api.call("GET", f"/skills/{skill}/summary", params=window)).json()[
        "skillSummaries"
    ][0]
    assert summary["dials"] >= len(ROWS)
    assert summary["abandonCount"] == 0


async def test_progressive_dialing_never_exceeds_free_agents(api: Api) -> None:
    """With three agents, at most three dialer calls are ever in progress at once."""
    skill = await api.pc_skill()
    await api.upload(skill, [(f"x{i}", f"+1312555{i:04d}") for i in range(10, 30)], startSkill=True)
    peak = 0
    for _ in range(30):
        await api.advance(7)
        active = await api.call("GET", "/contacts/active", params={"skillId": skill})
        if active.status_code == 200:
            peak = max(peak, active.json()["totalRecords"])
    assert 1 <= peak <= 3


async def test_dnc_scrubbed_skill_skips_listed_numbers(
    client_api: tuple[httpx.AsyncClient, Api],
) -> None:
    """Numbers in a DNC group scrubbing the skill are never dialed."""
    client, api = client_api
    skill = await api.pc_skill()
    group = (await api.call("POST", "/dnc-groups", json={"dncGroupName": "internal"})).json()
    group_id = group["dncGroups"][0]["dncGroupId"]
    blocked = ROWS[0][1]
    add = {"dncGroupRecords": [{"phoneNumber": blocked}, {"phoneNumber": "12"}]}
    result = (await api.call("POST", f"/dnc-groups/{group_id}/records", json=add)).json()
    assert result["resultSet"]["errorCount"] == 1
    assert (
        await api.call("POST", f"/dnc-groups/{group_id}/scrubbed-skills/{skill}")
    ).status_code == 200
    found = (await api.call("POST", "/dnc-groups/search", params={"phoneNumber": blocked})).json()
    assert [r["dncGroupId"] for r in found["searchResults"]] == [group_id]
    await api.upload(skill, ROWS, startSkill=True)
    for _ in range(30):
        await api.advance(30)
    dialed = {d["to"] for d in (await client.get("/_emulator/dials")).json()["dials"]}
    assert blocked not in dialed
    assert dialed == {phone for _, phone in ROWS[1:]}


async def test_maximum_attempts_is_honoured(client_api: tuple[httpx.AsyncClient, Api]) -> None:
    """A never-answering number is tried maximumAttempts times, minimumRetryMinutes apart."""
    client, api = client_api
    skill = await api.pc_skill()
    retry = {"retrySettings": {"maximumAttempts": 2, "minimumRetryMinutes": 5}}
    await api.call("PUT", f"/skills/{skill}/parameters/retry-settings", json=retry)
    job = await api.upload(skill, [("a", "+12125550001")], startSkill=True)
    for _ in range(20):
        await api.advance(60)
    dials = (await client.get("/_emulator/dials")).json()["dials"]
    assert [d["to"] for d in dials] == ["+12125550001", "+12125550001"]
    list_id = (await api.call("GET", f"/lists/call-lists/jobs/{job}")).json()["uploadJobs"][0][
        "listId"
    ]
    attempts = (await api.call("GET", f"/lists/call-lists/{list_id}/attempts")).json()
    record = attempts["resultSet"]["contactAttempts"][0]
    assert record["attempts"] == 2
    assert record["finalized"] is True


async def test_stop_halts_dialing_and_force_ends_calls(api: Api) -> None:
    """stop stops new dials; stop?force=true ends the skill's active calls."""
    skill = await api.pc_skill()
    await api.upload(skill, [(f"l{i}", f"+1415555{i:04d}") for i in range(10, 20)], startSkill=True)
    await api.advance(5)
    assert (
        await api.call("POST", f"/skills/{skill}/stop", params={"force": "true"})
    ).status_code == 200
    assert (await api.call("GET", f"/skills/{skill}")).json()["isRunning"] is False
    assert (await api.call("GET", "/contacts/active")).status_code == 204
    await api.advance(600)
    assert (await api.call("GET", "/contacts/active")).status_code == 204


async def test_start_refuses_non_pc_skill(api: Api) -> None:
    """Only Personal Connection skills can be started."""
    body = {"skills": [{"skillName": "manual", "isOutbound": True, "outboundStrategy": "Manual"}]}
    skill = (await api.call("POST", "/skills", json=body)).json()["skillsResults"][0]["skillId"]
    response = await api.call("POST", f"/skills/{skill}/start")
    assert response.status_code == 400
    assert "Personal Connection" in response.json()["errorDescription"]


class _OneAtATime:
    """A pacing policy that launches one call only when nothing is in flight or talking."""

    name = "one-at-a-time"

    def __init__(self) -> None:
        self.calls = 0

    def dials_to_launch(self, state: DialerState) -> int:
        self.calls += 1
        return 1 if state.in_flight == 0 and state.busy == 0 else 0


async def test_custom_pacing_policy_drives_the_dialer() -> None:
    """A PacingPolicy passed to create_app decides how many calls the dialer launches."""
    policy = _OneAtATime()
    app = create_app(EmulatorConfig(manual_clock=True, agents=3), policy=policy)
    async with asgi_client(app) as client:
        api = Api(client, (await grant(client)).json()["access_token"])
        skill = await api.pc_skill()
        await api.upload(skill, ROWS, startSkill=True)
        for _ in range(20):
            await api.advance(5)
            active = await api.call("GET", "/contacts/active", params={"skillId": skill})
            if active.status_code == 200:
                assert active.json()["totalRecords"] <= 1
    assert policy.calls > 0


async def _outcomes(seed: int) -> list[Any]:
    app = create_app(EmulatorConfig(manual_clock=True, agents=3, seed=seed))
    async with asgi_client(app) as client:
        api = Api(client, (await grant(client)).json()["access_token"])
        skill = await api.pc_skill()
        await api.upload(skill, ROWS, startSkill=True)
        for _ in range(30):
            await api.advance(30)
        body = (await api.completed()).json()
        return [
            (c["toAddress"], c["endReason"], c["totalDurationSeconds"])
            for c in body["completedContacts"]
        ]


async def test_same_seed_replays_the_same_calls() -> None:
    """Two emulators with one seed and one request sequence produce identical outcomes."""
    assert await _outcomes(11) == await _outcomes(11)


async def test_removed_prospects_and_deleted_lists_are_not_dialed(
    client_api: tuple[httpx.AsyncClient, Api],
) -> None:
    """removeProspects drops records by external id; a deleted list stops feeding the skill."""
    client, api = client_api
    skill = await api.pc_skill()
    job = await api.upload(skill, ROWS)
    await api.advance(5)
    list_id = (await api.call("GET", f"/lists/call-lists/jobs/{job}")).json()["uploadJobs"][0][
        "listId"
    ]
    name = (await api.call("GET", f"/lists/call-lists/{list_id}")).json()["resultSet"]["listName"]
    body = {"prospectsToRemove": [{"externalId": "r10"}, {"externalId": "nope"}]}
    removed = (
        await api.call("DELETE", f"/lists/call-lists/{name}/removeProspects", json=body)
    ).json()
    assert [r["externalId"] for r in removed["successfulRecords"]] == ["r10"]
    assert [r["resultCode"] for r in removed["failedRecords"]] == ["NotFound"]
    await api.call("POST", f"/skills/{skill}/start")
    assert (await api.call("DELETE", f"/lists/call-lists/{list_id}")).status_code == 409
    forced = await api.call(
        "DELETE", f"/lists/call-lists/{list_id}", params={"forceInactive": "true"}
    )
    assert forced.status_code == 200
    await api.advance(600)
    dialed = {d["to"] for d in (await client.get("/_emulator/dials")).json()["dials"]}
    assert ROWS[0][1] not in dialed
    assert len(dialed) <= 3


async def test_predictive_pacing_overdials_and_keeps_agents_busy() -> None:
    """With ``pacing="predictive"`` the emulator's dialer runs cxdial's own pacer per skill."""
    app = create_app(EmulatorConfig(manual_clock=True, agents=5, pacing="predictive", seed=3))
    async with asgi_client(app) as http:
        api = Api(http, (await grant(http)).json()["access_token"])
        skill = await api.pc_skill()
        rows = [(f"p{i}", f"+1212556{i:04d}") for i in range(200)]
        await api.upload(skill, rows)
        await api.advance(5)
        assert (await api.call("POST", f"/skills/{skill}/start")).status_code in (200, 202)
        peak_in_flight = 0
        for _ in range(120):
            await api.advance(5)
            active = await api.call("GET", "/contacts/active", params={"skillId": skill})
            if active.status_code == 200:
                peak_in_flight = max(peak_in_flight, len(active.json()["activeContacts"]))
        world = app.state.world
        policy = world.policy_for(skill)
        assert policy.name == "predictive"
        assert peak_in_flight > 5  # more calls than agents: it overdials
        counts = world.dialer_counts[skill]
        assert counts["dials"] > 0
        assert counts["abandoned"] <= max(1, 0.1 * counts["live"])


def test_unknown_pacing_policy_is_refused() -> None:
    """A pacing spec the engine does not know is a config error naming the choices."""
    with pytest.raises(ValueError, match="predictive"):
        EmulatorConfig(pacing="turbo")
