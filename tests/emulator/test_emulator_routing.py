"""Routing as the platform does it: path spellings, per-endpoint versions, fixed paths, 405."""

from __future__ import annotations

import httpx
import pytest
from emulator_support import Api, day_ago
from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute

from cxdial.emulator.routing import canonical_path, install_routes, order_routes, shadowed
from cxdial.emulator.versions import (
    DEFAULT_RANGE,
    VersionRange,
    parse_version,
    versions_for,
)

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("sent", "routed"),
    [
        ("/incontactapi//services/v30.0/skills", "/inContactAPI/services/v30.0/skills"),
        ("/InContactAPI/services/V23.0/skills", "/inContactAPI/services/v23.0/skills"),
        ("//inContactAPI/services/v30.0//skills//", "/inContactAPI/services/v30.0/skills/"),
        ("/inContactApi/Services/v8.0/agents/states", "/inContactAPI/services/v8.0/agents/states"),
        ("/auth//token", "/auth/token"),
    ],
)
def test_canonical_path_spellings(sent: str, routed: str) -> None:
    """Prefix case, doubled slashes and an upper-case V all route to the declared spelling."""
    assert canonical_path(sent) == routed


def test_version_parsing() -> None:
    """Only vN.0 / VN.0 are versions; anything else is not."""
    assert parse_version("v23.0") == 23
    assert parse_version("V2.0") == 2
    for text in ("v23", "23.0", "v23.1", "version", "v\u0663.0", ""):
        assert parse_version(text) is None


def test_version_table_rows() -> None:
    """The table holds the older versions the sources show, per method where they differ."""
    assert 6 in versions_for("GET", "/contacts/completed")
    assert 5 not in versions_for("GET", "/contacts/completed")
    assert 4 in versions_for("POST", "/lists/call-lists")
    assert versions_for("GET", "/lists/call-lists") == DEFAULT_RANGE
    assert 6 in versions_for("POST", "/lists/call-lists/{listId}/upload")
    assert versions_for("POST", "/agent-sessions/{session_id}/dial-phone") == VersionRange(23, 34)
    assert versions_for("GET", "/anything/else") == DEFAULT_RANGE


async def test_sdk_and_nicepy_spellings_are_served(api: Api) -> None:
    """`/incontactapi//services/...` (SDK, nicepy) and `V23.0` (SDK) answer as canonical."""
    for path in (
        "/incontactapi//services/v30.0/skills",
        "/InContactAPI/services/V23.0/skills",
        "/inContactAPI/services/v30.0//skills",
    ):
        response = await api.client.get(path, headers=api.headers)
        assert response.status_code == 200, path
        assert response.json()["skills"]


async def test_old_versions_where_the_sources_use_them(api: Api) -> None:
    """contacts/completed on v8.0 (QA) and real-time data on v1.0 are served; v11.0 skills not."""
    headers = api.headers
    for path in ("/v8.0/contacts/completed", "/v6.0/contacts/completed", "/v1.0/agents/states"):
        served = await api.client.get(
            "/inContactAPI/services" + path,
            params={"updatedSince": day_ago()},  # CXone refuses a report with no date (QA v7)
            headers=headers,
        )
        assert served.status_code in (200, 204), path
    old = await api.client.get("/inContactAPI/services/v11.0/skills", headers=headers)
    assert old.status_code == 404
    body = old.json()
    assert body["error"] == "UnsupportedVersion"
    assert "v12.0 through v34.0" in body["errorDescription"]


async def test_version_outside_range_is_refused_before_auth(client: httpx.AsyncClient) -> None:
    """An unserved version is a 404 before authentication, as an unrouted path is."""
    response = await client.get("/inContactAPI/services/v99.0/skills")
    assert response.status_code == 404
    assert response.json()["error"] == "UnsupportedVersion"


def _routes(*paths: tuple[str, str]) -> list[BaseRoute]:
    router = APIRouter()
    for method, path in paths:

        async def endpoint() -> None:
            return None

        router.add_api_route(path, endpoint, methods=[method])
    return list(router.routes)


def test_fixed_paths_are_ordered_ahead_of_parameters() -> None:
    """Whatever the registration order, /skills/summary is tried before /skills/{skillId}."""
    routes = _routes(
        ("GET", "/skills/{skill_id}"),
        ("GET", "/skills/{skill_id}/agents"),
        ("GET", "/skills/summary"),
        ("GET", "/skills/agents"),
        ("GET", "/skills/{skill_id}/parameters/{block}"),
        ("GET", "/skills/parameters"),
    )
    assert shadowed(routes) == [
        ("/skills/{skill_id}", "/skills/summary"),
        ("/skills/{skill_id}", "/skills/agents"),
        ("/skills/{skill_id}", "/skills/parameters"),
    ]
    order_routes(routes)
    assert shadowed(routes) == []


def test_the_app_shadows_no_fixed_path(app: FastAPI) -> None:
    """In the assembled emulator no parameter route captures a fixed path of the same method."""
    assert shadowed(app.router.routes) == []


async def test_fixed_path_reaches_its_route(app: FastAPI, api: Api) -> None:
    """A fixed path added after a `{skillId}` route is still the one that answers."""
    router = APIRouter(prefix="/inContactAPI/services/{version}")

    @router.get("/skills/fixed-probe")
    async def probe() -> dict[str, str]:
        return {"route": "fixed"}

    install_routes(app, [router])
    response = await api.call("GET", "/skills/fixed-probe")
    assert response.json() == {"route": "fixed"}


async def test_405_names_every_allowed_method(api: Api) -> None:
    """A wrong method answers 405 with an Allow header listing every method of the path."""
    response = await api.call("PATCH", "/dnc-groups/301")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "PUT"}
    assert "PATCH" in response.json()["errorDescription"]
