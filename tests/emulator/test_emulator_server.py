"""End to end over real loopback sockets, and signed webhooks to a local receiver."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from emulator_support import ACD, Api, grant

from cxdial.emulator import EmulatorConfig, create_app
from cxdial.emulator.credentials import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_TENANT_ID,
)
from cxdial.emulator.testing import EmulatorServer, asgi_client

SECRET_KEY = b"emulator-webhook-test-key"
SECRET = "whsec_" + base64.b64encode(SECRET_KEY).decode()
SCRIPT = "Personal\\cxdial\\AdhocDial"


@pytest.mark.e2e
def test_end_to_end_over_loopback() -> None:
    """Discovery, grant, an ad-hoc call and its completion, all over a real socket."""
    with (
        EmulatorServer(EmulatorConfig(manual_clock=True)) as server,
        httpx.Client(base_url=server.url, timeout=5) as http,
    ):
        oidc = http.get("/.well-known/openid-configuration").json()
        assert oidc["issuer"] == server.url
        token = http.post(
            oidc["token_endpoint"],
            data={
                "grant_type": "password",
                "username": DEMO_ACCESS_KEY_ID,
                "password": DEMO_ACCESS_KEY_SECRET,
            },
            auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
        ).json()
        tenant = http.get(
            "/.well-known/cxone-configuration", params={"tenantId": DEMO_TENANT_ID}
        ).json()
        assert tenant["api_endpoint"] == server.url
        headers = {"Authorization": f"Bearer {token['access_token']}", "Accept": "application/json"}
        skill = http.get(ACD + "/skills", headers=headers).json()["skills"][0]["skillId"]
        params = {
            "skillId": skill,
            "scriptPath": SCRIPT,
            "parameters": "+12125550002|+18005550100|e2e",
        }
        contact = http.post(ACD + "/scripts/start", params=params, headers=headers).json()[
            "contactId"
        ]
        http.post("/_emulator/clock/advance", json={"seconds": 30})
        done = http.get(f"{ACD}/contacts/{contact}", headers=headers).json()["contactId"]
        assert done["endReason"] == "Busy"


@pytest.mark.e2e
def test_drop_over_a_socket_is_a_transport_error() -> None:
    """Over a socket a dropped response closes the connection; the dial still happened."""
    with (
        EmulatorServer(EmulatorConfig(manual_clock=True)) as server,
        httpx.Client(base_url=server.url, timeout=5) as http,
    ):
        token = http.post(
            "/auth/token",
            data={
                "grant_type": "password",
                "username": DEMO_ACCESS_KEY_ID,
                "password": DEMO_ACCESS_KEY_SECRET,
            },
            auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        http.post(
            "/_emulator/faults",
            json={"next": [{"path_contains": "scripts/start", "fault": "drop"}]},
        )
        skill = http.get(ACD + "/skills", headers=headers).json()["skills"][0]["skillId"]
        params = {
            "skillId": skill,
            "scriptPath": SCRIPT,
            "parameters": "+12125550000|+18005550100|d",
        }
        with pytest.raises(httpx.TransportError):
            http.post(ACD + "/scripts/start", params=params, headers=headers)
        assert http.get("/_emulator/dials").json()["totalRecords"] == 1


class _Receiver:
    """A tiny webhook receiver on loopback; fails the first ``fail_first`` requests."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.fail_first = fail_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = 500 if len(receiver.received) <= receiver.fail_first else 204
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                del format, args

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[_Receiver]:
    """A webhook receiver whose first request fails with 500."""
    rx = _Receiver(fail_first=1)
    yield rx
    rx.close()


def _verify(headers: dict[str, str], body: bytes) -> bool:
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(SECRET_KEY, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(sig.removeprefix("v1,"), expected)
        for sig in headers["webhook-signature"].split()
    )


@pytest.mark.anyio
async def test_webhooks_are_signed_and_retried(receiver: _Receiver, anyio_backend: str) -> None:
    """Call events arrive signed (Standard Webhooks); a failed POST is retried with the same id."""
    del anyio_backend
    config = EmulatorConfig(manual_clock=True, webhook_url=receiver.url, webhook_secret=SECRET)
    app = create_app(config)
    app.state.webhooks.backoff = 0.01
    async with asgi_client(app) as client:
        api = Api(client, (await grant(client)).json()["access_token"])
        skill = (await api.call("GET", "/skills")).json()["skills"][0]["skillId"]
        params = {
            "skillId": skill,
            "scriptPath": SCRIPT,
            "parameters": "+12125550000|+18005550100|wh",
        }
        contact = (await api.call("POST", "/scripts/start", params=params)).json()["contactId"]
        await api.advance(60)
        flushed = (await client.post("/_emulator/webhooks/flush")).json()
    assert flushed == {"delivered": 3, "failed": 0}
    assert all(_verify(h, b) for h, b in receiver.received)
    first_id, retried_id = (receiver.received[i][0]["webhook-id"] for i in (0, 1))
    assert first_id == retried_id
    events = [json.loads(b) for _, b in receiver.received[1:]]
    assert [e["type"] for e in events] == ["call.started", "call.answered", "call.completed"]
    assert events[0]["data"]["contextId"] == "wh"
    assert events[-1]["data"]["contactId"] == contact
    assert events[-1]["data"]["endReason"] == "Contact Hung Up"
    assert events[-1]["data"]["outcome"] == "answered"


@pytest.mark.anyio
async def test_concurrent_webhooks_are_all_acked_and_listed(
    receiver: _Receiver, anyio_backend: str
) -> None:
    """Four senders at once: every push is delivered once acked, retries keep their id, and
    GET /_emulator/webhooks/deliveries lists each with its attempts and last status."""
    del anyio_backend
    config = EmulatorConfig(
        manual_clock=True,
        webhook_url=receiver.url,
        webhook_secret=SECRET,
        webhook_concurrency=4,
        webhook_attempts=3,
    )
    app = create_app(config)
    app.state.webhooks.backoff = 0.01
    async with asgi_client(app) as client:
        api = Api(client, (await grant(client)).json()["access_token"])
        skill = (await api.call("GET", "/skills")).json()["skills"][0]["skillId"]
        for n in range(6):
            params = {
                "skillId": skill,
                "scriptPath": SCRIPT,
                "parameters": f"+1212555{n:04d}|+18005550100|c{n}",
            }
            await api.call("POST", "/scripts/start", params=params)
        await api.advance(600)
        await client.post("/_emulator/webhooks/flush")
        listing = (await client.get("/_emulator/webhooks/deliveries")).json()
    entries = listing["deliveries"]
    assert listing["totalRecords"] == len(entries) == listing["acked"] >= 12
    assert (listing["failed"], listing["pending"]) == (0, 0)
    assert all(e["acked"] and e["status"] == 204 for e in entries)
    assert sum(e["attempts"] for e in entries) == len(entries) + 1  # the first POST got 500
    assert len({e["webhookId"] for e in entries}) == len(entries)
    ids = [h["webhook-id"] for h, _ in receiver.received]
    assert len(ids) == len(entries) + 1
    assert set(ids) == {e["webhookId"] for e in entries}
    assert all(_verify(h, b) for h, b in receiver.received)


@pytest.mark.e2e
def test_real_time_clock_moves_calls_without_manual_advance() -> None:
    """With a running clock (speed 100) a call completes on its own within a real second."""
    with (
        EmulatorServer(EmulatorConfig(speed=100)) as server,
        httpx.Client(base_url=server.url, timeout=5) as http,
    ):
        token = http.post(
            "/auth/token",
            data={
                "grant_type": "password",
                "username": DEMO_ACCESS_KEY_ID,
                "password": DEMO_ACCESS_KEY_SECRET,
            },
            auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        skill = http.get(ACD + "/skills", headers=headers).json()["skills"][0]["skillId"]
        params = {
            "skillId": skill,
            "scriptPath": SCRIPT,
            "parameters": "+12125550000|+18005550100|rt",
        }
        contact = http.post(ACD + "/scripts/start", params=params, headers=headers).json()[
            "contactId"
        ]
        deadline = time.monotonic() + 3
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            state = http.get(f"{ACD}/contacts/{contact}", headers=headers).json()["contactId"]
            if not state["isActive"]:
                break
            time.sleep(0.05)
        assert state["endReason"] == "Contact Hung Up"
