"""Resources against the emulator: pagination, verified writes, batches, lists, DNC, sessions."""

from __future__ import annotations

import httpx
import pytest
from cxone_helpers import Control, run, settings_for
from fastapi import FastAPI

from cxdial.cxone import AsyncClient, Client, FakeClock
from cxdial.emulator.testing import SyncASGITransport
from cxdial.errors import PartialFailure

CALLER = "+18005550100"
CSV = "id,phone,zip\nr1,+15551230001,10001\nr2,+15551230002,10001\nr3,+15551230003,10001\n"


def _client(transport: httpx.BaseTransport) -> Client:
    return Client.from_settings(settings_for(), transport=transport, clock=FakeClock())


def _new_skill(client: Client, name: str) -> int:
    (skill_id,) = client.skills.create({"skillName": name})
    return skill_id


def test_skills_iterate_across_pages(sync_transport: SyncASGITransport, control: Control) -> None:
    """Listing with a small page follows _links.next until every skill is seen."""
    with _client(sync_transport) as client:
        created = client.skills.create(*({"skillName": f"PC {i}"} for i in range(5)))
        seen = [s.skill_id for s in client.skills.list(page_size=2)]
    assert set(created) <= set(seen)
    assert len(seen) == len(set(seen))
    assert control.get("stats")["routes"]["GET /inContactAPI/services/{version}/skills"] >= 3


def test_completed_contacts_page_by_updated_since(
    sync_transport: SyncASGITransport, control: Control
) -> None:
    """Completed contacts since a time are all returned across several pages."""
    with _client(sync_transport) as client:
        skill = next(iter(client.skills.list())).skill_id
        ids = [
            client.scripts.start(
                skill_id=skill, phone_number=f"+1555123{i:04d}", caller_id=CALLER
            ).contact_id
            for i in (1, 2, 4, 1, 2)
        ]
        control.post("clock/advance", {"seconds": 600})
        done = list(
            client.contacts.iter_completed(updated_since="2020-01-01T00:00:00Z", page_size=2)
        )
    assert sorted(c.contact_id for c in done) == sorted(ids)


def test_no_active_contacts_is_an_empty_iteration(sync_transport: SyncASGITransport) -> None:
    """The emulator's 204 for no active contacts iterates as nothing."""
    with _client(sync_transport) as client:
        assert list(client.contacts.iter_active()) == []


def test_skill_start_with_lost_answer_is_verified_by_is_running(
    sync_transport: SyncASGITransport, control: Control
) -> None:
    """A started skill whose answer was lost is confirmed running and not started twice."""
    with _client(sync_transport) as client:
        skill = _new_skill(client, "PC verify")
        control.fault(f"skills/{skill}/start", "drop")
        response = client.send(client.skills.requests.start(skill))
        assert client.skills.get(skill).is_running is True
        client.skills.stop(skill, force=True)
        assert client.skills.get(skill).is_running is False
    assert response.recovered is True
    starts = [w for w in control.get("stats")["writes"] if w["path"].endswith(f"{skill}/start")]
    assert len(starts) == 1


def test_batch_create_with_a_failed_item_is_a_partial_failure(
    sync_transport: SyncASGITransport,
) -> None:
    """Creating two skills where one name exists raises PartialFailure naming that item."""
    with _client(sync_transport) as client:
        _new_skill(client, "PC dup")
        with pytest.raises(PartialFailure) as info:
            client.skills.create({"skillName": "PC fresh"}, {"skillName": "PC dup"})
    assert [f.index for f in info.value.failures] == [1]
    assert "PC dup" in str(info.value)


def test_list_upload_lost_answer_is_found_by_file_name(
    sync_transport: SyncASGITransport, control: Control
) -> None:
    """A list upload whose answer was lost is matched to its job by file name; one job exists."""
    with _client(sync_transport) as client:
        skill = _new_skill(client, "PC list")
        list_id = client.lists.create(
            {
                "listName": "leads",
                "externalIdColumn": "id",
                "destinationMappings": [{"fieldValue": "phone"}],
                "zipColumn": "zip",
            }
        )
        control.fault("/upload", "drop")
        job_id = client.lists.upload(list_id, CSV, file_name="leads-1.csv", skill_id=skill)
        control.post("clock/advance", {"seconds": 10})
        job = client.lists.wait_for_job(job_id, max_wait=5)
        jobs = client.send(client.lists.requests.jobs()).parsed
        named = [j.job_id for j in jobs if j.file_name == "leads-1.csv"]
    assert job.is_complete is True
    assert named == [job_id]


def test_wait_for_job_sleeps_on_the_injected_sleep_and_reads_the_counts(
    sync_transport: SyncASGITransport, control: Control
) -> None:
    """Against a manual clock the job completes only while the injected sleep advances it;
    the finished job carries validRecords, invalidRecords and the errors of its rows."""
    with _client(sync_transport) as client:
        skill = _new_skill(client, "PC wait")
        list_id = client.lists.create(
            {
                "listName": "waiting",
                "externalIdColumn": "id",
                "destinationMappings": [{"fieldValue": "phone"}],
            }
        )
        job_id = client.lists.upload(
            list_id, CSV + "r4,not-a-number,10001\n", file_name="w.csv", skill_id=skill
        )
        slept: list[float] = []
        polls: list[bool] = []

        def sleep(seconds: float) -> None:
            slept.append(seconds)
            control.post("clock/advance", {"seconds": seconds})

        job = client.lists.wait_for_job(
            job_id, interval=1.0, sleep=sleep, on_poll=lambda j: polls.append(j.is_complete)
        )
    assert job.is_complete is True
    assert slept == [1.0, 1.0, 1.0]  # 2 s + 1 ms per row of simulated time
    assert polls == [False, False, False, True]
    assert (job.total_records, job.valid_records, job.invalid_records) == (4, 3, 1)
    assert job.errors == ["record 'r4': no valid phone number or external id"]


def test_dnc_group_records_and_search(sync_transport: SyncASGITransport) -> None:
    """A number added to a DNC group is found by search and can be expired."""
    with _client(sync_transport) as client:
        group = client.dnc.create_group("cxdial-test")
        result = client.dnc.add_records(group.dnc_group_id, ["+15551239999"])
        assert result.error_count == 0
        hits = client.dnc.search("+15551239999")
        assert group.dnc_group_id in [h.dnc_group_id for h in hits]
        client.dnc.expire_records(group.dnc_group_id, ["+15551239999"])
        assert group.dnc_group_id in [g.dnc_group_id for g in client.dnc.groups()]


def test_skill_parameters_round_trip(sync_transport: SyncASGITransport) -> None:
    """A retry-settings block written with put_parameters reads back the same values."""
    with _client(sync_transport) as client:
        skill = _new_skill(client, "PC params")
        client.skills.put_parameters(
            skill, "retry-settings", {"maximumAttempts": 3, "minimumRetryMinutes": 30}
        )
        block = client.skills.parameters(skill, "retry-settings")
    assert block["maximumAttempts"] == 3
    assert block["minimumRetryMinutes"] == 30


def test_agent_session_dial_and_events(app: FastAPI) -> None:
    """An agent session dials a number and receives the call's events by long poll."""

    async def go() -> list[dict[str, object]]:
        client = AsyncClient.from_settings(
            settings_for(), transport=httpx.ASGITransport(app=app), clock=FakeClock()
        )
        async with client:
            skill = [s async for s in client.skills.list()][0].skill_id  # noqa: RUF015
            session = await client.agent_sessions.create(station_phone_number="+15550001111")
            await client.agent_sessions.dial_phone(
                session, {"phoneNumber": "+15551230000", "skillId": skill}
            )
            events = await client.agent_sessions.next_event(session, wait=0)
            await client.agent_sessions.end(session)
            return events.events

    events = run(go())
    assert any(e.get("Type") == "CallContactEvent" for e in events)


def test_agents_and_states(sync_transport: SyncASGITransport) -> None:
    """The agent roster and their states are read and typed."""
    with _client(sync_transport) as client:
        agents = list(client.agents.list())
        states = client.agents.states()
    assert agents
    assert len({s.agent_id for s in states}) == len(states)
    assert all(s.agent_state_name for s in states)
