"""Control routes that degrade one skill on purpose: its outcome mix and its pacing."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest
from emulator_support import Api

pytestmark = pytest.mark.anyio

ROWS = [(f"r{i}", f"+1212555{i:04d}") for i in range(100, 160)]


async def _end_reasons(api: Api, skill: int) -> dict[str, int]:
    response = await api.completed(skillId=skill)
    if response.status_code == 204:
        return {}
    return dict(Counter(c["endReason"] for c in response.json()["completedContacts"]))


async def _dialing(api: Api, skill: int, seconds: float) -> dict[str, int]:
    await api.upload(skill, ROWS)
    await api.advance(5)
    assert (await api.call("POST", f"/skills/{skill}/start")).status_code == 202
    await api.advance(seconds)
    return await _end_reasons(api, skill)


async def test_outcome_mix_degrades_only_that_skill(
    client_api: tuple[httpx.AsyncClient, Api],
) -> None:
    """A skill whose dials are set to never answer ends every call unanswered."""
    client, api = client_api
    skill = await api.pc_skill("degraded")
    other = await api.pc_skill("healthy")
    body = {"weights": {"answered": 0.0, "no_answer": 1.0}}
    set_mix = await client.post(f"/_emulator/skills/{skill}/outcomes", json=body)
    assert set_mix.json()["weights"] == {
        "answered": 0.0,
        "no_answer": 1.0,
        "busy": 0.0,
        "machine": 0.0,
    }
    degraded = await _dialing(api, skill, 300)
    assert set(degraded) == {"No Answer"}
    healthy = await _dialing(api, other, 300)
    assert "Contact Hung Up" in healthy
    reset = await client.post(f"/_emulator/skills/{skill}/outcomes", json={"weights": None})
    assert reset.json() == {"skillId": skill, "weights": None}


async def test_forced_over_dial_abandons_live_answers(
    client_api: tuple[httpx.AsyncClient, Api],
) -> None:
    """``ratio:6`` with three agents launches more calls than agents: answers are abandoned."""
    client, api = client_api
    skill = await api.pc_skill("over-dialed")
    pacing = await client.post(f"/_emulator/skills/{skill}/pacing", json={"policy": "ratio:6"})
    assert pacing.json() == {"skillId": skill, "policy": "ratio:6"}
    reasons = await _dialing(api, skill, 120)
    assert reasons.get("Abandoned", 0) > 0
    back = await client.post(f"/_emulator/skills/{skill}/pacing", json={"policy": None})
    assert back.json()["policy"] is None


@pytest.mark.parametrize(
    ("route", "body", "message"),
    [
        ("outcomes", {"weights": {"sale": 0.5}}, "weights.sale"),
        ("outcomes", {"weights": {"answered": 0.8, "busy": 0.5}}, "summing to 1"),
        ("pacing", {"policy": "turbo"}, "unknown pacing policy"),
    ],
)
async def test_bad_control_bodies_are_400s(
    client_api: tuple[httpx.AsyncClient, Api], route: str, body: object, message: str
) -> None:
    """An unknown outcome, weights over 1 or an unknown policy are refused, naming it."""
    client, api = client_api
    skill = await api.pc_skill()
    response = await client.post(f"/_emulator/skills/{skill}/{route}", json=body)
    assert response.status_code == 400
    assert message in response.json()["errorDescription"]


async def test_an_unknown_skill_is_a_404(client_api: tuple[httpx.AsyncClient, Api]) -> None:
    """The control routes name the skill they do not know."""
    client, _ = client_api
    response = await client.post("/_emulator/skills/99/outcomes", json={"weights": None})
    assert response.status_code == 404
