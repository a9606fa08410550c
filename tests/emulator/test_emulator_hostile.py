"""Hostile input: bad bodies are 400s naming the problem, headers stay printable, nothing sticks."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from emulator_support import ACD, Api

from cxdial.emulator import EmulatorConfig
from cxdial.emulator.credentials import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
)
from cxdial.emulator.errors import header_text
from cxdial.emulator.jsonbody import decode_json
from cxdial.emulator.testing import EmulatorServer

_CASES = [
    (b'{"dncGroupName": "\\ud800"}', "lone surrogate"),
    (b'{"dncGroupName": "\xff\xfe"}', "invalid UTF-8"),
    (b'{"dncGroupName": "x", "n": ' + b"9" * 5000 + b"}", "5000 digits"),
    (b"[" * 100_000 + b"]" * 100_000, "nested deeper"),
    (b'{"a": ' + b'{"a": ' * 70 + b"1" + b"}" * 71, "nested deeper"),
    (b'{"dncGroupName": Infinity}', "Infinity"),
    (b'{"dncGroupName": NaN}', "NaN"),
    (b'{"dncGroupName": -Infinity}', "Infinity"),
    (b'{"n": 1e999}', "out of range"),
    (b'{"dncGroupName": "x"', "Expecting"),
    (b'{"\\udfff": 1}', "lone surrogate"),
]

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(("raw", "named"), _CASES)
def test_decode_json_names_each_problem(raw: bytes, named: str) -> None:
    """decode_json refuses each hostile document with a message naming what is wrong."""
    with pytest.raises(Exception, match=named) as caught:
        decode_json(raw)
    assert getattr(caught.value, "status", None) == 400


def test_decode_json_accepts_ordinary_documents() -> None:
    """Valid bodies, with surrogate pairs and 64-bit ids, decode as json.loads would."""
    assert decode_json(b'{"a": "\\ud83d\\ude00", "id": 9223372036854775807, "f": 1.5e3}') == {
        "a": "\U0001f600",
        "id": 9223372036854775807,
        "f": 1500.0,
    }


@pytest.mark.parametrize(("raw", "named"), _CASES)
async def test_hostile_bodies_answer_400(api: Api, raw: bytes, named: str) -> None:
    """POSTing each hostile document to a route answers 400 naming the problem."""
    response = await api.call(
        "POST", "/dnc-groups", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert named in response.json()["errorDescription"]


async def test_a_lone_surrogate_does_not_poison_later_reads(api: Api) -> None:
    """After a POST with "\\ud800" every later GET of the same collection still answers."""
    body = b'{"dncGroupName": "bad \\ud800 name", "dncGroupDescription": "x"}'
    refused = await api.call(
        "POST", "/dnc-groups", content=body, headers={"Content-Type": "application/json"}
    )
    assert refused.status_code == 400
    listed = await api.call("GET", "/dnc-groups")
    assert listed.status_code in (200, 204)


def test_header_text_never_ends_in_a_space() -> None:
    """A long description cut at 500 characters just after a space, or padded text, loses
    the edge spaces HTTP forbids (uvicorn's h11 drops the connection on them)."""
    cut = header_text("x" * 499 + " tail")
    assert cut == "x" * 499
    assert header_text("  padded  ") == "padded"


def test_header_text_keeps_only_printable_ascii() -> None:
    """Control characters, line breaks and non-Latin text never reach a header value."""
    assert header_text("bad\r\nSet-Cookie: x\x00\x7f é 名") == "bad??Set-Cookie: x?? ? ?"


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    """One emulator on a real loopback port (h11 refuses bad header values there)."""
    with EmulatorServer(EmulatorConfig(manual_clock=True)) as running:
        yield running


@pytest.fixture(scope="module")
def bearer(server: EmulatorServer) -> dict[str, str]:
    """Headers of an authenticated ACD request to ``server``."""
    response = httpx.post(
        server.url + "/auth/token",
        data={
            "grant_type": "password",
            "username": DEMO_ACCESS_KEY_ID,
            "password": DEMO_ACCESS_KEY_SECRET,
        },
        auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
    )
    token = response.json()["access_token"]
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


@pytest.mark.e2e
@pytest.mark.parametrize(
    "path",
    [
        "/inContactAPI/services/v%0d%0a.0/skills",
        "/inContactAPI/services/v%00%01%1f.0/skills",
        "/inContactAPI/services/v%C3%A9%E5%90%8D.0/skills",
        ACD + "/skills/%0d%0aX-Injected:%20yes",
    ],
)
def test_echoed_control_characters_do_not_drop_the_connection(
    server: EmulatorServer, bearer: dict[str, str], path: str
) -> None:
    """Input echoed into icStatusDescription over a real socket answers, sanitised."""
    with httpx.Client(base_url=server.url, timeout=5) as http:
        response = http.get(path, headers=bearer)
    assert response.status_code in (400, 404)
    assert "x-injected" not in response.headers
    text = response.headers["icStatusDescription"]
    assert all(" " <= ch <= "~" for ch in text)


@pytest.mark.e2e
def test_request_id_with_control_characters_is_sanitised(
    server: EmulatorServer, bearer: dict[str, str]
) -> None:
    """A hostile X-Request-Id (obs-text bytes) is echoed as printable ASCII."""
    with httpx.Client(base_url=server.url, timeout=5) as http:
        response = http.get(ACD + "/skills", headers={**bearer, "X-Request-Id": b"abc\x80\xff"})
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "abc??"


@pytest.mark.parametrize("path", ["/dnc-groups", "/dispositions"])
async def test_a_body_labelled_as_a_form_is_decoded_by_the_same_strict_parser(
    api: Api, path: str
) -> None:
    """A JSON body the middleware skipped (labelled form-encoded) is still refused by
    the one strict decoder when a route reads it: a lone surrogate is a 400, never stored."""
    body = b'{"dncGroupName": "\\ud800", "dispositions": []}'
    refused = await api.call(
        "POST", path, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert refused.status_code == 400
    assert "lone surrogate" in refused.json()["errorDescription"]
