"""Signalling the Studio script that runs a contact: ``POST /interactions/{contactId}/signal``.

Shapes: Cognigy/Extensions @6bfc614b ``extensions/cxone/src/api/cxone-api-client.ts``
(COG): ``sendSignal`` puts ``p1..pN`` in the query; ``sendSignalHandover`` puts ``p1`` in
the query and ``p2..`` in a JSON body (large values failed in the query); it checks only
for a 2xx. Both forms are accepted and merged by index. The script's ONSIGNAL would
receive them; the emulator records each signal on :attr:`AdminState.signals` and answers
202 (emulator design: the script handles it asynchronously). A contact that has ended has
no script left to signal: 409.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, create_model

from cxdial.emulator.admin_state import Signal
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.errors import ApiError
from cxdial.emulator.openapi import request_body
from cxdial.emulator.routes.admin_common import read_json, validate
from cxdial.emulator.validation import StrictModel

__all__ = ["MAX_PARAMETERS", "SignalBody", "router"]

router = APIRouter(prefix=ACD_PREFIX)
_EDIT = Depends(acd("Contacts Edit"))
MAX_PARAMETERS = 9
"""``p1`` through ``p9`` (cxone-api.md §3.4)."""
_NAME = re.compile(r"^p([1-9])$")
_PARAMETER_FIELDS: dict[str, Any] = {
    f"p{i}": (str | int | float | bool | None, None) for i in range(1, MAX_PARAMETERS + 1)
}
SignalBody: type[BaseModel] = create_model(
    "SignalBody",
    __base__=StrictModel,
    __doc__="Signal parameters in the body: p1..p9, each a string or a number (COG).",
    **_PARAMETER_FIELDS,
)


def _index(name: str, where: str) -> int:
    match = _NAME.match(name)
    if match is None:
        raise ApiError(
            400,
            "InvalidParameter",
            f"Unknown {where} parameter '{name}'; expected p1 through p{MAX_PARAMETERS}",
        )
    return int(match.group(1))


@router.post(
    "/interactions/{contact_id}/signal",
    openapi_extra=request_body(SignalBody, required=False),
)
async def signal(contact_id: int, ctx: Ctx = _EDIT) -> Response:
    """Pass ``p1..p9`` (query and/or JSON body) to the script running the contact."""
    given: dict[int, str] = {}
    for name, value in ctx.request.query_params.items():
        given[_index(name, "query")] = value
    body = await read_json(ctx)
    if not isinstance(body, dict):
        raise ApiError(400, "InvalidRequest", "Request body must be a JSON object {p2: …}")
    for name, value in body.items():
        index = _index(name, "body")
        if isinstance(value, dict | list) or value is None:
            raise ApiError(400, "InvalidParameter", f"'{name}' must be a string or a number")
        validate(SignalBody, {name: value})
        if index in given:
            raise ApiError(400, "InvalidParameter", f"'{name}' is given in both query and body")
        given[index] = str(value).lower() if isinstance(value, bool) else str(value)
    if 1 not in given:
        raise ApiError(400, "InvalidParameter", "Missing required parameter 'p1'")
    missing = [i for i in range(1, max(given) + 1) if i not in given]
    if missing:
        raise ApiError(
            400, "InvalidParameter", f"Missing parameter 'p{missing[0]}' before p{max(given)}"
        )
    contact = ctx.world.contacts.get(contact_id)
    if contact is None:
        raise ApiError(404, "ContactNotFound", f"No contact with contactId {contact_id}")
    if not contact.active:
        raise ApiError(409, "ContactEnded", f"Contact {contact_id} has ended; no script to signal")
    parameters = tuple(given[i] for i in sorted(given))
    ctx.world.admin.signals.append(Signal(contact_id, parameters, ctx.world.now))
    return Response(status_code=202)
