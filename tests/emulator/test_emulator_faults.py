"""Fault injection: the spec grammar, one-shot faults, drops applied-but-lost, rate limits."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from emulator_support import Api, grant

from cxdial.emulator import EmulatorConfig, FaultSpec, FaultSpecError, create_app
from cxdial.emulator.testing import asgi_client

pytestmark = pytest.mark.anyio

SCRIPT = "Personal\\cxdial\\AdhocDial"


def test_fault_spec_parses_every_item() -> None:
    """The documented example spec parses into its parts."""
    spec = FaultSpec.parse("429=0.1,500=0.05,latency=200ms,drop=0.01,token_revoke_every=60s")
    assert spec.statuses == {429: 0.1, 500: 0.05}
    assert spec.latency == pytest.approx(0.2)
    assert spec.drop == 0.01
    assert spec.token_revoke_every == 60


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ("429=2", "429=2"),
        ("bogus=0.1", "bogus"),
        ("latency=fast", "latency=fast"),
        ("500", "500"),
        ("404=0.1", "404"),
        ("500=0.7,drop=0.7", "more than 1"),
    ],
)
def test_bad_fault_spec_names_the_item(spec: str, named: str) -> None:
    """A malformed spec raises FaultSpecError naming the offending item."""
    with pytest.raises(FaultSpecError, match=named):
        FaultSpec.parse(spec)


async def _script(api: Api, key: str | None = None) -> httpx.Response:
    skill = (await api.call("GET", "/skills")).json()["skills"][0]["skillId"]
    params = {"skillId": skill, "scriptPath": SCRIPT, "parameters": "+12125550000|+18005550100|c1"}
    headers = {"Idempotency-Key": key} if key else {}
    return await api.call("POST", "/scripts/start", params=params, headers=headers)


async def test_one_shot_429_with_retry_after(client_api: tuple[httpx.AsyncClient, Api]) -> None:
    """A queued 429 answers once with Retry-After and applies nothing; the next call works."""
    client, api = client_api
    shot = {"path_contains": "scripts/start", "fault": "429", "retry_after": 2}
    await client.post("/_emulator/faults", json={"next": [shot]})
    limited = await _script(api)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "2"
    assert limited.json()["error"] == "TooManyRequests"
    assert (await client.get("/_emulator/dials")).json()["totalRecords"] == 0
    assert (await _script(api)).status_code == 200


async def test_one_shot_500(client_api: tuple[httpx.AsyncClient, Api]) -> None:
    """A queued 500 answers in CXone's error shape and applies nothing."""
    client, api = client_api
    await client.post(
        "/_emulator/faults", json={"next": [{"path_contains": "/skills", "fault": "500"}]}
    )
    failed = await api.call("GET", "/skills")
    assert failed.status_code == 500
    assert failed.json()["errorDescription"]
    assert (await client.get("/_emulator/stats")).json()["faults"] == {"500": 1}


async def test_drop_applies_the_write_then_loses_the_response(
    client_api: tuple[httpx.AsyncClient, Api],
) -> None:
    """A dropped dial happened (ledger) though the client got a transport error; retries redial."""
    client, api = client_api
    await client.post(
        "/_emulator/faults", json={"next": [{"path_contains": "scripts/start", "fault": "drop"}]}
    )
    with pytest.raises(httpx.TransportError):
        await _script(api, key="idem-1")
    ledger = (await client.get("/_emulator/dials")).json()["dials"]
    assert [d["idempotencyKey"] for d in ledger] == ["idem-1"]
    assert (await _script(api, key="idem-1")).status_code == 200
    ledger = (await client.get("/_emulator/dials")).json()["dials"]
    assert [d["idempotencyKey"] for d in ledger] == ["idem-1", "idem-1"]
    writes = (await client.get("/_emulator/stats")).json()["writes"]
    assert [w["idempotencyKey"] for w in writes if "scripts" in w["path"]] == ["idem-1", "idem-1"]


async def test_timeout_fault_surfaces_as_read_timeout(
    client_api: tuple[httpx.AsyncClient, Api],
) -> None:
    """A queued timeout applies the request, then the client sees httpx.ReadTimeout."""
    client, api = client_api
    shot = {"path_contains": "scripts/start", "fault": "timeout", "delay": 0}
    await client.post("/_emulator/faults", json={"next": [shot]})
    with pytest.raises(httpx.ReadTimeout):
        await _script(api)
    assert (await client.get("/_emulator/dials")).json()["totalRecords"] == 1


async def _statuses(seed: int) -> list[int]:
    app = create_app(EmulatorConfig(manual_clock=True, seed=seed, faults="500=0.3,429=0.2"))
    async with asgi_client(app) as client:
        api = Api(client, (await grant(client)).json()["access_token"])
        return [(await api.call("GET", "/skills")).status_code for _ in range(40)]


async def test_random_faults_follow_the_seed() -> None:
    """Random faults hit some requests, and the same seed hits the same ones."""
    first = await _statuses(3)
    assert set(first) == {200, 429, 500}
    assert first == await _statuses(3)


async def test_bad_spec_through_control_api(client: httpx.AsyncClient) -> None:
    """POST /_emulator/faults with a bad spec answers 400 naming the item."""
    response = await client.post("/_emulator/faults", json={"spec": "drop=lots"})
    assert response.status_code == 400
    assert "drop=lots" in response.json()["errorDescription"]


async def test_rate_limit_answers_429_with_retry_after() -> None:
    """With rate_limit set, a burst beyond it gets 429 and a Retry-After header."""
    app = create_app(EmulatorConfig(manual_clock=True, rate_limit=3))
    async with asgi_client(app) as client:
        api = Api(client, (await grant(client)).json()["access_token"])
        statuses = [(await api.call("GET", "/skills")) for _ in range(6)]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited
    assert int(limited[0].headers["Retry-After"]) >= 1


async def test_token_revoke_every_and_latency() -> None:
    """token_revoke_every revokes live tokens on schedule; latency delays API requests."""
    app = create_app(
        EmulatorConfig(manual_clock=True, faults="latency=30ms,token_revoke_every=50ms")
    )
    async with asgi_client(app) as client:
        api = Api(client, (await grant(client)).json()["access_token"])
        started = time.monotonic()
        assert (await api.call("GET", "/skills")).status_code == 200
        assert time.monotonic() - started >= 0.03
        await asyncio.sleep(0.06)
        assert (await api.call("GET", "/skills")).status_code == 401
