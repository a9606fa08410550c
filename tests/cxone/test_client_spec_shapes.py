"""The client reads the real API's shapes (and the emulator's older ones) into one model.

Each fixture is transcribed from a real source named beside it (keys of
``/work/shared/design/emulator-fidelity.md`` §0: CJ = calljacob/nice-cxone-api, generated
from NICE's OpenAPI; TAP = singer-io/tap-nice-incontact; NPY = nicepy; QA = walterplaza/
protractor lab test data) and served through ``httpx.MockTransport``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from cxone_helpers import MOCK_BASE, mock_tenant, settings_for

from cxdial.cxone import Client, FakeClock
from cxdial.cxone.resources.dialing import dial_context_id
from cxdial.errors import ValidationError

# CJ ReportingReporting_contactCompeleted: {businessUnitId, lastPollTime, contactId: {record}};
# NPY GetContactDetails reads data['contactId']['contactStartDate'].
SPEC_CONTACT = {
    "businessUnitId": 4600001,
    "lastPollTime": "2026-12-02T09:00:00.000Z",
    "contactId": {
        "contactId": 4242,
        "skillId": 24000001,
        "fromAddress": "8005550100",
        "toAddress": "2025550143",
        "contactStartDate": "2026-12-02T08:59:00.000Z",
        "endReason": "Contact Hung Up",
        "agentSeconds": 31,
        "totalDurationSeconds": 40,
        "primaryDispositionId": 2,
    },
}
# The emulator's flat answer (before the fidelity work), still read.
FLAT_CONTACT = {**SPEC_CONTACT["contactId"], "isActive": False}  # type: ignore[dict-item]

# CJ contactCustomData: {contactCustomData: [{name, value}]}.
SPEC_CUSTOM_DATA = {"contactCustomData": [{"name": "cxdialContextId", "value": "order-1.ab"}]}
# The emulator's bare list.
BARE_CUSTOM_DATA = [{"name": "cxdialContextId", "value": "order-1.ab"}]

# TAP schemas/contacts_completed.json (built for v21): fromAddr, toAddr, contactStart,
# mediaType, confSeconds, ACWSeconds.
V21_COMPLETED = {
    "contactId": 11,
    "skillId": 24000001,
    "fromAddr": "8005550100",
    "toAddr": "2025550143",
    "contactStart": "2026-12-02T08:00:00.000Z",
    "mediaType": 4,
    "confSeconds": 0,
    "ACWSeconds": 5,
    "agentSeconds": 60,
    "lastUpdateTime": "2026-12-02T08:02:00.000Z",
}
# CJ completedContacts (v33): fromAddress, toAddress, contactStartDate, mediaTypeId,
# conferenceSeconds.
V33_COMPLETED = {
    "contactId": 12,
    "skillId": 24000001,
    "fromAddress": "8005550100",
    "toAddress": "+12025550143",
    "contactStartDate": "2026-12-02T08:10:00.000Z",
    "mediaTypeId": 4,
    "conferenceSeconds": 0,
    "agentSeconds": 60,
    "lastUpdateTime": "2026-12-02T08:12:00.000Z",
}


def _client(api: Any, calls: list[httpx.Request] | None = None) -> Client:
    settings = settings_for(MOCK_BASE, api_endpoint=MOCK_BASE)
    return Client.from_settings(settings, transport=mock_tenant(api, calls), clock=FakeClock())


@pytest.mark.parametrize("body", [SPEC_CONTACT, FLAT_CONTACT], ids=["spec-nested", "flat"])
def test_one_contact_in_the_spec_envelope_or_flat(body: dict[str, Any]) -> None:
    """GET /contacts/{id}: the record nested under ``contactId`` (CJ, NPY) or flat."""
    with _client(lambda _: httpx.Response(200, json=body)) as client:
        detail = client.contacts.get(4242)
    assert detail.contact_id == 4242
    assert detail.to_address == "2025550143"
    assert detail.contact_start_date == "2026-12-02T08:59:00.000Z"
    assert detail.end_reason == "Contact Hung Up"


@pytest.mark.parametrize("body", [SPEC_CUSTOM_DATA, BARE_CUSTOM_DATA], ids=["spec", "bare"])
def test_custom_data_in_the_spec_envelope_or_bare(body: Any) -> None:
    """GET /contacts/{id}/custom-data: ``{contactCustomData: [...]}`` (CJ) or a bare list."""
    with _client(lambda _: httpx.Response(200, json=body)) as client:
        data = client.contacts.custom_data(4242)
    assert [(d.name, d.value) for d in data] == [("cxdialContextId", "order-1.ab")]


def test_v21_and_v33_reporting_names_map_onto_one_model() -> None:
    """TAP's v21 names and the spec's v33 names read into the same fields."""
    page = {"completedContacts": [V21_COMPLETED, V33_COMPLETED], "totalRecords": 2}
    with _client(lambda _: httpx.Response(200, json=page)) as client:
        old, new = client.contacts.iter_completed(updated_since=datetime.now(UTC))
    for record, start in ((old, "2026-12-02T08:00:00.000Z"), (new, "2026-12-02T08:10:00.000Z")):
        assert record.from_address == "8005550100"
        assert record.to_address is not None
        assert record.to_address.endswith("2025550143")
        assert record.contact_start_date == start
        assert record.media_type_id == 4
        assert record.conference_seconds == 0


@pytest.mark.parametrize(
    "past_the_end",
    [httpx.Response(204), httpx.Response(200, json={"completedContacts": []})],
    ids=["204", "empty-200"],
)
def test_paging_ends_on_204_or_an_empty_page(past_the_end: httpx.Response) -> None:
    """TAP pages by skip until an empty answer: a 204 (real API) or an empty 200 ends it."""
    full = {
        "completedContacts": [{**V33_COMPLETED, "contactId": i} for i in range(2)],
        "_links": {"next": None},
    }
    calls: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=full) if len(calls) == 1 else past_the_end

    with _client(api, calls) as client:
        records = list(client.contacts.iter_completed(updated_since=datetime.now(UTC), page_size=2))
    assert [r.contact_id for r in records] == [0, 1]
    assert [c.url.params["skip"] for c in calls] == ["0", "2"]


def test_an_empty_page_with_a_next_link_still_ends_the_paging() -> None:
    """An empty page ends paging even if it carries ``_links.next`` (no endless loop)."""
    calls: list[httpx.Request] = []
    looping = {"completedContacts": [], "_links": {"next": f"{MOCK_BASE}/x?skip=5"}}
    with _client(lambda _: httpx.Response(200, json=looping), calls) as client:
        assert list(client.contacts.iter_completed(updated_since=datetime.now(UTC))) == []
    assert len(calls) == 1


def test_updated_since_is_clamped_to_the_30_day_window() -> None:
    """QA v7: 'Invalid updatedSince … must be 30 days or less'; clamped a day inside it.

    TAP clamps to now − 30 days; cxdial keeps a day of slack for the tenant's clock.
    """
    calls: list[httpx.Request] = []
    long_ago = datetime.now(UTC) - timedelta(days=45)
    with _client(lambda _: httpx.Response(204), calls) as client:
        list(client.contacts.iter_completed(updated_since=long_ago))
    sent = datetime.fromisoformat(calls[0].url.params["updatedSince"].replace("Z", "+00:00"))
    assert datetime.now(UTC) - sent < timedelta(days=30)
    assert datetime.now(UTC) - sent > timedelta(days=28, hours=23)


def test_completed_contacts_need_a_date() -> None:
    """QA v7: 'Invalid DateRange - No dates fields provided': refused before sending."""
    calls: list[httpx.Request] = []
    with (
        _client(lambda _: httpx.Response(204), calls) as client,
        pytest.raises(ValidationError) as info,
    ):
        list(client.contacts.iter_completed())
    assert info.value.field == "updated_since"
    assert calls == []


def test_a_range_over_30_days_is_refused() -> None:
    """QA v7: 'Date Range must be 30 days or less'."""
    from cxdial.cxone.resources.contacts import ContactRequests

    with pytest.raises(ValidationError, match="30 days"):
        ContactRequests().completed(
            start_date="2026-10-01T00:00:00Z", end_date="2026-11-15T00:00:00Z"
        )


def test_a_lost_dial_is_recovered_from_spec_shaped_answers() -> None:
    """find_context reads CJ's active-contact names and custom-data envelope: no second dial."""
    posts: list[httpx.Request] = []
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    context = dial_context_id("spec", "key-spec")

    def api(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/scripts/start"):
            posts.append(request)
            raise httpx.ReadTimeout("lost", request=request)
        if path.endswith("/contacts/active"):  # CJ activeContacts item names
            item = {
                "contactId": 77,
                "skillId": 5,
                "toAddress": "2025550143",
                "contactStartDate": started,
            }
            return httpx.Response(200, json={"activeContacts": [item], "totalRecords": 1})
        if path.endswith("/contacts/completed"):
            return httpx.Response(204)
        if path.endswith("/contacts/77/custom-data"):
            body = {"contactCustomData": [{"name": "cxdialContextId", "value": context}]}
            return httpx.Response(200, json=body)
        return httpx.Response(404)

    with _client(api) as client:
        contact = client.scripts.start(
            skill_id=5,
            phone_number="+12025550143",
            caller_id="+18005550100",
            context_id="spec",
            idempotency_key="key-spec",
        )
    assert contact.contact_id == 77
    assert contact.context_id == context
    assert len(posts) == 1
