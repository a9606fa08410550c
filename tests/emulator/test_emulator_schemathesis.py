"""schemathesis against the emulator over a real socket: no 5xx, no dropped connection."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from cxdial.emulator import EmulatorConfig
from cxdial.emulator.credentials import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_SKILL_ID,
)
from cxdial.emulator.routes.dialing import ADHOC_SCRIPT_PATH
from cxdial.emulator.testing import EmulatorServer

EXAMPLES = int(os.environ.get("CXDIAL_SCHEMATHESIS_EXAMPLES", "3"))
"""Examples per operation and generation mode: every operation, valid and invalid, each run.

The suite keeps it small (the route table has grown past 150 operations); a deeper run is
``CXDIAL_SCHEMATHESIS_EXAMPLES=40 pytest tests/emulator/test_emulator_schemathesis.py``.
"""
_SKIPPED = ("/_emulator/faults", "/_emulator/reset", "/_emulator/tokens/revoke")
"""Control routes that would inject faults or forget the token, not emulator defects."""
SHARDS = 4
"""The operations are fuzzed in this many tests (every operation in exactly one, by its
index), so a parallel run (pytest-xdist) spreads them over its workers."""


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    """A fresh emulator on a loopback port with a manual clock (the seed objects are named)."""
    with EmulatorServer(EmulatorConfig(manual_clock=True)) as running:
        yield running


def _headers(url: str) -> dict[str, str]:
    response = requests.post(
        url + "/auth/token",
        data={
            "grant_type": "password",
            "username": DEMO_ACCESS_KEY_ID,
            "password": DEMO_ACCESS_KEY_SECRET,
        },
        auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
        timeout=10,
    )
    token = response.json()["access_token"]
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


def _seed(url: str, headers: dict[str, str]) -> dict[str, str]:
    """Create one object of each kind; their ids replace generated path ids in every
    other case, so valid bodies reach the route's logic instead of a 404."""
    acd = url + "/inContactAPI/services/v30.0"  # campaigns answer campaignId below v33

    def post(path: str, **kw: Any) -> Any:
        response = requests.post(acd + path, headers=headers, timeout=10, **kw)
        assert response.status_code < 300, (path, response.text)
        return response.json()

    group = post("/dnc-groups", json={"dncGroupName": "fuzz"})["dncGroups"][0]["dncGroupId"]
    mapping = {
        "listName": "fuzz",
        "externalIdColumn": "id",
        "destinationMappings": [{"fieldName": "PhoneNumber", "fieldValue": "phone"}],
    }
    listed = post("/lists/call-lists", json=mapping)["listId"]
    campaign = post("/campaigns", json={"name": "fuzz"})["campaignId"]
    hours = post("/hours-of-operation", json={"profileName": "fuzz"})["profileId"]
    contact = post(
        "/scripts/start",
        params={
            "skillId": DEMO_SKILL_ID,
            "scriptPath": ADHOC_SCRIPT_PATH,
            "parameters": "+12025550105|+18005550100|fuzz",
        },
    )["contactId"]
    session = post("/agent-sessions", json={})["sessionId"]
    return {
        "skill_id": str(DEMO_SKILL_ID),
        "agent_id": "1001",
        "disposition_id": "1",
        "group_id": str(group),
        "list_id": str(listed),
        "campaign_id": str(campaign),
        "profile_id": str(hours),
        "contact_id": str(contact),
        "session_id": str(session),
    }


def _fuzz(operation: Any, mode: GenerationMode, run: Any) -> None:
    """Send EXAMPLES generated cases of ``operation`` through ``run``."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: Any) -> None:
        run(case)

    with contextlib.suppress(Unsatisfiable):  # negative mode: nothing to vary
        fuzz()


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.parametrize("shard", range(SHARDS))
def test_schemathesis_finds_no_server_error_or_dropped_connection(
    server: EmulatorServer, caplog: pytest.LogCaptureFixture, shard: int
) -> None:
    """Every documented operation (this shard's quarter), valid and invalid inputs: 0 answers
    >= 500, 0 drops."""
    caplog.set_level(logging.CRITICAL)
    document = requests.get(server.url + "/_emulator/openapi.json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(document)
    headers = _headers(server.url)
    known = _seed(server.url, headers)
    session = requests.Session()
    sent: list[str] = []
    failures: list[str] = []

    def run(case: Any) -> None:
        if len(sent) % 2 == 0 and case.path_parameters:
            for name in case.path_parameters.keys() & known.keys():
                case.path_parameters[name] = known[name]
        label = f"{case.method} {case.formatted_path}"
        sent.append(label)
        try:
            response = case.call(base_url=server.url, session=session, headers=headers, timeout=10)
        except requests.ConnectionError as exc:
            failures.append(f"dropped: {label}: {exc}")
            return
        if response.status_code >= 500:
            failures.append(f"{response.status_code}: {label}: {response.text[:200]}")

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50
    mine = [op for op in operations[shard::SHARDS] if op.path not in _SKIPPED]
    for operation in mine:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz(operation, mode, run)
    session.close()
    assert len(sent) > 2 * len(mine)  # each operation got cases in both modes
    assert failures == []
