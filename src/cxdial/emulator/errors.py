"""CXone-shaped errors: ``{"error", "errorDescription"}`` plus the ``icStatusDescription`` header.

The OAuth endpoint answers in OAuth's own shape, ``{"error", "error_description"}``. A 401
carries no ``icStatusDescription`` (QA's v7 lab tests expect none). Header values are made
of printable ASCII only (:func:`header_text`), whatever text a request put into them.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

__all__ = [
    "ApiError",
    "OAuthError",
    "allowed_methods",
    "api_error_response",
    "header_text",
    "install_error_handlers",
]


class ApiError(Exception):
    """An ACD API error answered as ``{"error": code, "errorDescription": description}``."""

    def __init__(
        self,
        status: int,
        error: str,
        description: str,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description
        self.headers = dict(headers or {})


class OAuthError(Exception):
    """A token-endpoint error answered as ``{"error": code, "error_description": text}``."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


def header_text(text: str) -> str:
    """``text`` fit for a header value: printable ASCII, one line, at most 500 characters,
    no leading or trailing space (HTTP forbids them; h11 refuses to send such a value)."""
    return "".join(ch if " " <= ch <= "~" else "?" for ch in text[:500]).strip(" ")


def api_error_response(
    status: int, error: str, description: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """The JSON error body and the ``icStatusDescription`` header CXone sends (not on 401)."""
    status_header = {} if status == 401 else {"icStatusDescription": header_text(description)}
    all_headers = {**status_header, **{k: header_text(v) for k, v in (headers or {}).items()}}
    return JSONResponse(
        {"error": error, "errorDescription": description}, status_code=status, headers=all_headers
    )


def _validation_message(exc: RequestValidationError) -> str:
    first = exc.errors()[0]
    loc = [str(p) for p in first.get("loc", ())]
    where = loc[0] if loc else "request"
    name = ".".join(loc[1:]) or where
    if first.get("type") == "missing":
        return f"Missing required {where} parameter '{name}'"
    return f"Invalid {where} parameter '{name}': {first.get('msg', 'invalid value')}"


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at the request's path (for ``Allow``)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        route_methods = getattr(route, "methods", None)
        if match is not Match.NONE and route_methods:
            methods |= set(route_methods)
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error in CXone's shape."""

    async def on_api_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return api_error_response(exc.status, exc.error, exc.description, exc.headers)

    async def on_oauth_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, OAuthError)
        return JSONResponse(
            {"error": exc.error, "error_description": exc.description},
            status_code=exc.status,
            headers={"Cache-Control": "no-store"},
        )

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return api_error_response(400, "InvalidParameter", _validation_message(exc))

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            text = "No such resource: check the path against the CXone API reference"
            return api_error_response(404, "NotFound", text)
        if exc.status_code == 405:
            allow = ", ".join(allowed_methods(request)) or str((exc.headers or {}).get("Allow"))
            text = f"Method {request.method} is not allowed here; allowed: {allow}"
            return api_error_response(405, "MethodNotAllowed", text, {"Allow": allow})
        return api_error_response(exc.status_code, "Error", str(exc.detail))

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(OAuthError, on_oauth_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
