"""CXone-shaped errors: ``{"error", "errorDescription"}`` plus the ``icStatusDescription`` header.

The OAuth endpoint answers in OAuth's own shape, ``{"error", "error_description"}``.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = ["ApiError", "OAuthError", "api_error_response", "install_error_handlers"]


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


def _header_text(text: str) -> str:
    """Header values must be latin-1 and single-line."""
    return text.replace("\n", " ").encode("latin-1", "replace").decode("latin-1")[:500]


def api_error_response(
    status: int, error: str, description: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """The JSON error body and the ``icStatusDescription`` header CXone sends."""
    all_headers = {"icStatusDescription": _header_text(description), **(headers or {})}
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

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            text = "No such resource: check the path against the CXone API reference"
            return api_error_response(404, "NotFound", text)
        if exc.status_code == 405:
            return api_error_response(405, "MethodNotAllowed", "This method is not allowed here")
        return api_error_response(exc.status_code, "Error", str(exc.detail))

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(OAuthError, on_oauth_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
