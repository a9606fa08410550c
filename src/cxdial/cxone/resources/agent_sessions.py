"""Agent sessions: create/join/end, get-next-event, state, dialer login, dial, disposition."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxdial.cxone.models.base import parse_model, to_wire, validate_request
from cxdial.cxone.models.dialing import (
    AgentSessionState,
    DialPhone,
    Disposition,
    SessionCreated,
    SessionEvents,
)
from cxdial.cxone.request import APIRequest
from cxdial.cxone.resources._base import AsyncResource, SyncResource, parse_none
from cxdial.cxone.versions import acd_path

__all__ = ["AgentSessionRequests", "AgentSessions", "AsyncAgentSessions"]


def _path(template: str, session_id: str, **more: object) -> str:
    return acd_path(template, sessionId=session_id, **more)


class AgentSessionRequests:
    """I/O-free builders for the agent-session calls."""

    def create(
        self,
        *,
        station_phone_number: str | None = None,
        station_id: str | None = None,
        as_agent_id: int | None = None,
    ) -> APIRequest[str]:
        """``POST /agent-sessions`` (no verify: a lost answer raises :class:`AmbiguousWrite`)."""
        params = {
            "stationPhoneNumber": station_phone_number,
            "stationId": station_id,
            "asAgentId": as_agent_id,
        }
        return APIRequest(
            "POST",
            acd_path("/agent-sessions"),
            params=params,
            parse=lambda b: parse_model(SessionCreated, b).session_id,
        )

    def join(self, *, as_agent_id: int | None = None) -> APIRequest[str]:
        """``POST /agent-sessions/join`` (joining twice is harmless)."""
        return APIRequest(
            "POST",
            acd_path("/agent-sessions/join"),
            idempotent=True,
            params={"asAgentId": as_agent_id},
            parse=lambda b: parse_model(SessionCreated, b).session_id,
        )

    def end(
        self, session_id: str, *, force_logoff: bool = False, end_contacts: bool = False
    ) -> APIRequest[None]:
        """``DELETE /agent-sessions/{sessionId}``."""
        return APIRequest(
            "DELETE",
            _path("/agent-sessions/{sessionId}", session_id),
            params={"forceLogoff": force_logoff, "endContacts": end_contacts},
            parse=parse_none,
        )

    def next_event(self, session_id: str, *, wait: int = 10) -> APIRequest[SessionEvents]:
        """``GET …/get-next-event?timeout=`` (long poll; 304 = no events)."""
        return APIRequest(
            "GET",
            _path("/agent-sessions/{sessionId}/get-next-event", session_id),
            params={"timeout": wait},
            timeout=wait + 15.0,
            ok_statuses=frozenset({304}),
            parse=lambda b: parse_model(SessionEvents, b if isinstance(b, dict) else None),
        )

    def set_state(
        self, session_id: str, state: AgentSessionState, reason: str | None = None
    ) -> APIRequest[None]:
        """``POST …/state?state=&reason=`` (idempotent)."""
        return APIRequest(
            "POST",
            _path("/agent-sessions/{sessionId}/state", session_id),
            params={"state": state, "reason": reason},
            idempotent=True,
            parse=parse_none,
        )

    def dialer_login(self, session_id: str, skill_name: str) -> APIRequest[None]:
        """``POST …/dialer-login`` into a PC skill."""
        return APIRequest(
            "POST",
            _path("/agent-sessions/{sessionId}/dialer-login", session_id),
            params={"skillName": skill_name},
            idempotent=True,
            parse=parse_none,
        )

    def dialer_logout(self, session_id: str) -> APIRequest[None]:
        """``POST …/dialer-logout``."""
        return APIRequest(
            "POST",
            _path("/agent-sessions/{sessionId}/dialer-logout", session_id),
            idempotent=True,
            parse=parse_none,
        )

    def dial_phone(
        self,
        session_id: str,
        dial: DialPhone | Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
    ) -> APIRequest[None]:
        """``POST …/dial-phone`` (never retried after an ambiguous failure)."""
        body = to_wire(validate_request(DialPhone, dial))
        return APIRequest(
            "POST",
            _path("/agent-sessions/{sessionId}/dial-phone", session_id),
            json=body,
            idempotency_key=idempotency_key,
            parse=parse_none,
        )

    def disposition(
        self, session_id: str, contact_id: int, disposition: Disposition | Mapping[str, Any]
    ) -> APIRequest[None]:
        """``POST …/interactions/{contactId}/disposition`` (the last one wins: idempotent)."""
        body = to_wire(validate_request(Disposition, disposition))
        path = _path(
            "/agent-sessions/{sessionId}/interactions/{contactId}/disposition",
            session_id,
            contactId=contact_id,
        )
        return APIRequest("POST", path, json=body, idempotent=True, parse=parse_none)


class AgentSessions(SyncResource):
    """``client.agent_sessions``."""

    requests = AgentSessionRequests()

    def create(
        self,
        *,
        station_phone_number: str | None = None,
        station_id: str | None = None,
        as_agent_id: int | None = None,
    ) -> str:
        """Start a session; returns its id."""
        return self._call(
            self.requests.create(
                station_phone_number=station_phone_number,
                station_id=station_id,
                as_agent_id=as_agent_id,
            )
        )

    def join(self, *, as_agent_id: int | None = None) -> str:
        """Join an agent's existing session."""
        return self._call(self.requests.join(as_agent_id=as_agent_id))

    def end(
        self, session_id: str, *, force_logoff: bool = False, end_contacts: bool = False
    ) -> None:
        """End a session."""
        self._call(
            self.requests.end(session_id, force_logoff=force_logoff, end_contacts=end_contacts)
        )

    def next_event(self, session_id: str, *, wait: int = 10) -> SessionEvents:
        """Wait up to ``wait`` seconds for the session's next events."""
        return self._call(self.requests.next_event(session_id, wait=wait))

    def set_state(
        self, session_id: str, state: AgentSessionState, reason: str | None = None
    ) -> None:
        """Set the agent Available or Unavailable."""
        self._call(self.requests.set_state(session_id, state, reason))

    def dialer_login(self, session_id: str, skill_name: str) -> None:
        """Log the agent into a PC skill's dialer."""
        self._call(self.requests.dialer_login(session_id, skill_name))

    def dialer_logout(self, session_id: str) -> None:
        """Log the agent out of the dialer."""
        self._call(self.requests.dialer_logout(session_id))

    def dial_phone(
        self,
        session_id: str,
        dial: DialPhone | Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
    ) -> None:
        """Have the session's agent dial a number."""
        self._call(self.requests.dial_phone(session_id, dial, idempotency_key=idempotency_key))

    def disposition(
        self, session_id: str, contact_id: int, disposition: Disposition | Mapping[str, Any]
    ) -> None:
        """Disposition a contact handled by the session."""
        self._call(self.requests.disposition(session_id, contact_id, disposition))


class AsyncAgentSessions(AsyncResource):
    """``client.agent_sessions`` on the async client."""

    requests = AgentSessionRequests()

    async def create(
        self,
        *,
        station_phone_number: str | None = None,
        station_id: str | None = None,
        as_agent_id: int | None = None,
    ) -> str:
        """Start a session; returns its id."""
        return await self._call(
            self.requests.create(
                station_phone_number=station_phone_number,
                station_id=station_id,
                as_agent_id=as_agent_id,
            )
        )

    async def join(self, *, as_agent_id: int | None = None) -> str:
        """Join an agent's existing session."""
        return await self._call(self.requests.join(as_agent_id=as_agent_id))

    async def end(
        self, session_id: str, *, force_logoff: bool = False, end_contacts: bool = False
    ) -> None:
        """End a session."""
        await self._call(
            self.requests.end(session_id, force_logoff=force_logoff, end_contacts=end_contacts)
        )

    async def next_event(self, session_id: str, *, wait: int = 10) -> SessionEvents:
        """Wait up to ``wait`` seconds for the session's next events."""
        return await self._call(self.requests.next_event(session_id, wait=wait))

    async def set_state(
        self, session_id: str, state: AgentSessionState, reason: str | None = None
    ) -> None:
        """Set the agent Available or Unavailable."""
        await self._call(self.requests.set_state(session_id, state, reason))

    async def dialer_login(self, session_id: str, skill_name: str) -> None:
        """Log the agent into a PC skill's dialer."""
        await self._call(self.requests.dialer_login(session_id, skill_name))

    async def dialer_logout(self, session_id: str) -> None:
        """Log the agent out of the dialer."""
        await self._call(self.requests.dialer_logout(session_id))

    async def dial_phone(
        self,
        session_id: str,
        dial: DialPhone | Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
    ) -> None:
        """Have the session's agent dial a number."""
        await self._call(
            self.requests.dial_phone(session_id, dial, idempotency_key=idempotency_key)
        )

    async def disposition(
        self, session_id: str, contact_id: int, disposition: Disposition | Mapping[str, Any]
    ) -> None:
        """Disposition a contact handled by the session."""
        await self._call(self.requests.disposition(session_id, contact_id, disposition))
