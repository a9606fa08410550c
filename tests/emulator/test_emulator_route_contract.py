"""A contract over the whole app: every ACD route declares a version range, a permission
check and, when it takes a JSON body, the body's model in the OpenAPI document."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from cxdial.emulator.credentials import ALL_PERMISSIONS
from cxdial.emulator.deps import ACD_PREFIX, AcdCheck
from cxdial.emulator.openapi import openapi_document
from cxdial.emulator.versions import VERSION_RANGES, versions_for

QUERY_ONLY_WRITES = {
    ("POST", "/agent-sessions/join"),  # asAgentId in the query
    ("POST", "/agent-sessions/{session_id}/dialer-logout"),
    ("POST", "/agent-sessions/{session_id}/state"),  # state, reason in the query (SDK)
    ("POST", "/contacts/{contact_id}/end"),
    ("POST", "/dnc-groups/search"),  # phoneNumber in the query
    ("PUT", "/dnc-groups/{group_id}"),  # query parameters (cxone-api.md §2; CJ, QA)
    ("POST", "/dnc-groups/{group_id}/scrubbed-skills/{skill_id}"),
    ("POST", "/dnc-groups/{group_id}/contributing-skills/{skill_id}"),
    ("POST", "/queuecallback"),  # query parameters (cxone-api.md §2; QA v12)
    ("POST", "/scripts/start"),  # query parameters (cxone-api.md §2; CJ)
    ("POST", "/skills/{skill_id}/start"),
    ("POST", "/skills/{skill_id}/stop"),
}
"""Writes whose inputs CXone takes from the path and query only: they declare no body."""
_PARAM = re.compile(r"\{[^}]*\}")


def _acd_routes(app: FastAPI) -> list[APIRoute]:
    routes = [r for r in app.routes if isinstance(r, APIRoute) and r.path.startswith(ACD_PREFIX)]
    assert len(routes) > 100
    return routes


def _checks(route: APIRoute) -> list[AcdCheck]:
    return [d.call for d in route.dependant.dependencies if isinstance(d.call, AcdCheck)]


def test_every_acd_route_checks_one_known_permission(app: FastAPI) -> None:
    """Each ACD route depends on exactly one ACD check naming a permission keys can hold."""
    for route in _acd_routes(app):
        checks = _checks(route)
        assert len(checks) == 1, route.path
        assert checks[0].permission in ALL_PERMISSIONS, (route.path, checks[0].permission)


def test_every_acd_operation_documents_its_version_range(app: FastAPI) -> None:
    """The OpenAPI ``{version}`` of every ACD operation has the pattern of the range
    ``versions_for`` gives that method and path (what the check enforces)."""
    doc = openapi_document(app, ACD_PREFIX)
    for route in _acd_routes(app):
        template = route.path.removeprefix(ACD_PREFIX)
        for method in route.methods:
            operation = doc["paths"][route.path][method.lower()]
            [version] = [p for p in operation["parameters"] if p["name"] == "version"]
            assert version["in"] == "path"
            assert version["schema"]["pattern"] == versions_for(method, template).pattern()


def test_every_version_row_names_a_served_route(app: FastAPI) -> None:
    """No row of the version table is dead: each matches a served method and path (a row
    for a path no route declares would never be enforced)."""
    served = {
        (method, _PARAM.sub("{}", route.path.removeprefix(ACD_PREFIX)))
        for route in _acd_routes(app)
        for method in route.methods
    }
    for key in VERSION_RANGES:
        method, _, shape = key.rpartition(" ")
        assert any(shape == path and (not method or method == m) for m, path in served), key


def _body(operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return schema if isinstance(schema, dict) else None


def test_every_write_with_a_body_documents_its_model(app: FastAPI) -> None:
    """POST/PUT/PATCH routes document a JSON body (a model's schema, or one of the forms
    the route takes); the query-only writes CXone defines document none."""
    doc = openapi_document(app, ACD_PREFIX)
    components = doc["components"]["schemas"]
    seen: set[tuple[str, str]] = set()
    for route in _acd_routes(app):
        template = route.path.removeprefix(ACD_PREFIX)
        for method in route.methods & {"POST", "PUT", "PATCH"}:
            seen.add((method, template))
            schema = _body(doc["paths"][route.path][method.lower()])
            if (method, template) in QUERY_ONLY_WRITES:
                assert schema is None, (method, template)
                continue
            assert schema is not None, (method, template)
            assert schema.get("properties") or schema.get("oneOf"), (method, template)
    assert seen >= QUERY_ONLY_WRITES
    for name, schema in components.items():
        for ref in re.findall(r"#/components/schemas/([^\"']+)", str(schema)):
            assert ref in components, (name, ref)
