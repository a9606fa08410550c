"""The API version table: one pinned ACD API version per endpoint, in one place.

CXone serves v1.0 … v34.0 side by side and each endpoint has its own newest version;
shapes change between versions (``cxone-api.md`` §2). The default is v30.0 (what MCP and
Cognigy use against live tenants); campaigns need v33.0 for their flat body. Endpoints are
keyed by their path template so a resource names the endpoint exactly as documented.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["ACD_PREFIX", "DEFAULT_VERSION", "VERSIONS", "acd_path", "version_for"]

ACD_PREFIX = "/inContactAPI/services"
DEFAULT_VERSION = "v30.0"

_TABLE: dict[str, str] = {
    # business unit
    "/business-unit": DEFAULT_VERSION,
    "/business-unit/outbound-routes": DEFAULT_VERSION,
    # skills (Personal Connection skills are the dialing unit)
    "/skills": DEFAULT_VERSION,
    "/skills/{skillId}": DEFAULT_VERSION,
    "/skills/{skillId}/start": DEFAULT_VERSION,
    "/skills/{skillId}/stop": DEFAULT_VERSION,
    "/skills/{skillId}/parameters": DEFAULT_VERSION,
    "/skills/{skillId}/parameters/{block}": DEFAULT_VERSION,
    "/skills/{skillId}/agents": DEFAULT_VERSION,
    "/skills/{skillId}/activity": DEFAULT_VERSION,
    "/skills/{skillId}/summary": DEFAULT_VERSION,
    "/skills/summary": DEFAULT_VERSION,
    "/campaigns": "v33.0",
    # calling lists
    "/lists/call-lists": DEFAULT_VERSION,
    "/lists/call-lists/{listId}": DEFAULT_VERSION,
    "/lists/call-lists/{listId}/upload": DEFAULT_VERSION,
    "/lists/call-lists/{listId}/attempts": DEFAULT_VERSION,
    "/lists/call-lists/jobs": DEFAULT_VERSION,
    "/lists/call-lists/jobs/{jobId}": DEFAULT_VERSION,
    "/lists/call-lists/{sourceName}/removeProspects": DEFAULT_VERSION,
    # DNC
    "/dnc-groups": DEFAULT_VERSION,
    "/dnc-groups/{groupId}": DEFAULT_VERSION,
    "/dnc-groups/{groupId}/records": DEFAULT_VERSION,
    "/dnc-groups/search": DEFAULT_VERSION,
    "/dnc-groups/{groupId}/scrubbed-skills/{skillId}": DEFAULT_VERSION,
    # agents and contacts
    "/agents": DEFAULT_VERSION,
    "/agents/states": DEFAULT_VERSION,
    "/contacts/active": DEFAULT_VERSION,
    "/contacts/completed": DEFAULT_VERSION,
    "/contacts/{contactId}": DEFAULT_VERSION,
    "/contacts/{contactId}/state-history": DEFAULT_VERSION,
    "/contacts/{contactId}/custom-data": DEFAULT_VERSION,
    "/contacts/{contactId}/end": DEFAULT_VERSION,
    # placing calls
    "/scripts/start": DEFAULT_VERSION,
    "/queuecallback": DEFAULT_VERSION,
    "/agent-sessions": DEFAULT_VERSION,
    "/agent-sessions/join": DEFAULT_VERSION,
    "/agent-sessions/{sessionId}": DEFAULT_VERSION,
    "/agent-sessions/{sessionId}/get-next-event": DEFAULT_VERSION,
    "/agent-sessions/{sessionId}/state": DEFAULT_VERSION,
    "/agent-sessions/{sessionId}/dialer-login": DEFAULT_VERSION,
    "/agent-sessions/{sessionId}/dialer-logout": DEFAULT_VERSION,
    "/agent-sessions/{sessionId}/dial-phone": DEFAULT_VERSION,
    "/agent-sessions/{sessionId}/interactions/{contactId}/disposition": DEFAULT_VERSION,
}

VERSIONS: Mapping[str, str] = MappingProxyType(_TABLE)


def version_for(template: str) -> str:
    """The pinned version of the endpoint ``template`` (``KeyError`` for unknown endpoints)."""
    try:
        return VERSIONS[template]
    except KeyError:
        raise KeyError(f"endpoint {template!r} is not in the version table") from None


def acd_path(template: str, **params: object) -> str:
    """``/inContactAPI/services/vNN.0/...`` for ``template`` with ``params`` filled in."""
    path = template.format(**{k: str(v) for k, v in params.items()})
    return f"{ACD_PREFIX}/{version_for(template)}{path}"
