"""The emulator's OpenAPI document, completed: versions, request bodies, error codes.

Routes parse their JSON bodies themselves (so a 400 can name the field), which FastAPI
cannot see; a route documents its body with ``openapi_extra=request_body(Model)``.
:func:`openapi_document` then moves each body model's ``$defs`` into
``components.schemas``, gives every ``{version}`` parameter the pattern of the versions
that endpoint answers (:mod:`cxdial.emulator.versions`) and lists the error answers every
ACD route can give.
"""

from __future__ import annotations

import warnings
from collections import Counter
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from cxdial.emulator.versions import versions_for

__all__ = ["ERROR_SCHEMA", "openapi_document", "request_body"]

_REF = "#/components/schemas/{model}"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "errorDescription": {"type": "string"}},
    "required": ["error", "errorDescription"],
}
"""CXone's ACD error body."""
_ACD_ERRORS = {
    "400": "Invalid parameter or body (the description names it)",
    "401": "Missing, unknown, expired or revoked bearer token",
    "403": "The access key's user lacks the permission",
    "404": "No such object, or the API version is not served by this endpoint",
    "406": "Accept does not allow application/json",
    "429": "Rate limit exceeded (Retry-After says when to retry)",
}
_METHODS = ("get", "put", "post", "delete", "patch")


def _qualified(model: type[BaseModel], name: str) -> str:
    """A component name unique across modules (``skill_agents.AgentItem``): route modules
    reuse private names such as ``_StatusBody`` for different models."""
    return f"{model.__module__.rsplit('.', 1)[-1]}.{name.lstrip('_')}"


def _schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema with its nested models under module-qualified names."""
    schema = model.model_json_schema(ref_template=_REF)
    defs = schema.get("$defs", {})
    renamed = {name: _qualified(model, name) for name in defs}

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(_REF.format(model="")):
                target = ref.removeprefix(_REF.format(model=""))
                node = {**node, "$ref": _REF.format(model=renamed.get(target, target))}
            return {key: rewrite(value) for key, value in node.items()}
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    schema = rewrite(schema)
    if defs:
        schema["$defs"] = {renamed[name]: sub for name, sub in schema["$defs"].items()}
    return schema  # type: ignore[no-any-return]


def request_body(
    model: type[BaseModel],
    *,
    required: bool = True,
    description: str | None = None,
    array_of: type[BaseModel] | None = None,
) -> dict[str, Any]:
    """``openapi_extra`` documenting a JSON body of ``model`` that the route parses itself.

    ``array_of``: the route also takes a bare array of these (MCP's agent arrays); the
    body is then documented as one of the two forms.
    """
    schema = _schema_of(model)
    if array_of is not None:
        item = _schema_of(array_of)
        defs = {**item.pop("$defs", {}), **schema.pop("$defs", {})}
        schema = {"oneOf": [schema, {"type": "array", "items": item}]}
        if defs:
            schema["$defs"] = defs
    body: dict[str, Any] = {
        "required": required,
        "content": {"application/json": {"schema": schema}},
    }
    if description:
        body["description"] = description
    return {"requestBody": body}


def _unique_ids(doc: dict[str, Any]) -> None:
    """Suffix the method to every operationId two operations share."""
    operations = [
        (method, op)
        for item in doc.get("paths", {}).values()
        for method, op in item.items()
        if method in _METHODS
    ]
    counts = Counter(op.get("operationId") for _, op in operations)
    for method, op in operations:
        if counts[op.get("operationId")] > 1:
            op["operationId"] = f"{op['operationId']}_{method}"


def _hoist(schema: dict[str, Any], components: dict[str, Any]) -> None:
    for name, sub in schema.pop("$defs", {}).items():
        components.setdefault(name, sub)


def openapi_document(app: FastAPI, prefix: str) -> dict[str, Any]:
    """The complete document of ``app``; ACD operations are those under ``prefix``."""
    with warnings.catch_warnings():
        # one function serving two methods has one id; _unique_ids gives each its own
        warnings.filterwarnings("ignore", message="Duplicate Operation ID")
        doc = get_openapi(
            title=app.title, version=app.version, routes=app.routes, description=app.description
        )
    _unique_ids(doc)
    components: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ApiError", ERROR_SCHEMA)
    for path, item in doc.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            for content in operation.get("requestBody", {}).get("content", {}).values():
                _hoist(content.get("schema", {}), components)
            if not path.startswith(prefix):
                continue
            supported = versions_for(method, path.removeprefix(prefix))
            for param in operation.get("parameters", []):
                if param.get("name") == "version" and param.get("in") == "path":
                    param["schema"] = {
                        "type": "string",
                        "pattern": supported.pattern(),
                        "title": "Version",
                    }
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)  # validation errors answer 400, in CXone's shape
            for code, text in _ACD_ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": text,
                        "content": {
                            "application/json": {"schema": {"$ref": _REF.format(model="ApiError")}}
                        },
                    },
                )
    return doc
