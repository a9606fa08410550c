"""Contacts, agents, DNC and the business unit: what reporting and real-time endpoints return.

Reporting field names depend on the API version (``emulator-fidelity.md`` §1.2): up to
v23 ``fromAddr``, ``toAddr``, ``contactStart``, ``mediaType``, ``confSeconds``; from v33
``fromAddress``, ``toAddress``, ``contactStartDate``, ``mediaTypeId``,
``conferenceSeconds`` (and the emulator's ``startDate`` on active contacts). Each model
reads every spelling into one field.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, Field

from cxdial.cxone.models.base import RequestModel, ResponseModel

__all__ = [
    "ActiveContact",
    "ActivePage",
    "AgentState",
    "AgentStateName",
    "AgentStatesPage",
    "BusinessUnit",
    "CompletedContact",
    "CompletedPage",
    "ContactDetail",
    "ContactState",
    "CustomDatum",
    "DncGroup",
    "DncRecord",
    "DncSearchResult",
    "Links",
]

AgentStateName = Literal[
    "LoggedOut",
    "Available",
    "Unavailable",
    "InboundContact",
    "OutboundContact",
    "InboundConsult",
    "OutboundConsult",
    "Dialer",
    "LoggedIn",
]


def _either(*names: str) -> Any:
    """A field read from any of ``names`` (the wire spellings of several API versions)."""
    return Field(default=None, validation_alias=AliasChoices(*names))


class Links(ResponseModel):
    """``_links`` of a page."""

    next: str | None = None
    previous: str | None = None
    self_: str | None = Field(default=None, alias="self")


class ActiveContact(ResponseModel):
    """A live contact (``GET /contacts/active``)."""

    contact_id: int
    skill_id: int | None = None
    state_name: str | None = None
    is_outbound: bool | None = None
    from_address: str | None = _either("fromAddress", "fromAddr", "from_address")
    to_address: str | None = _either("toAddress", "toAddr", "to_address")
    contact_start_date: str | None = _either(
        "contactStartDate", "contactStart", "startDate", "contact_start_date"
    )
    media_type_id: int | None = _either("mediaTypeId", "mediaType", "media_type_id")
    agent_id: int | None = None
    last_update_time: str | None = None


class ActivePage(ResponseModel):
    """``GET /contacts/active``."""

    active_contacts: list[ActiveContact] = Field(default_factory=list)
    total_records: int | None = None
    last_poll_time: str | None = None
    links: Links | None = Field(default=None, alias="_links")


class CompletedContact(ResponseModel):
    """A finished contact (``GET /contacts/completed``)."""

    contact_id: int
    master_contact_id: int | None = None
    skill_id: int | None = None
    agent_id: int | None = None
    is_outbound: bool | None = None
    from_address: str | None = _either("fromAddress", "fromAddr", "from_address")
    to_address: str | None = _either("toAddress", "toAddr", "to_address")
    contact_start_date: str | None = _either(
        "contactStartDate", "contactStart", "startDate", "contact_start_date"
    )
    media_type_id: int | None = _either("mediaTypeId", "mediaType", "media_type_id")
    conference_seconds: float | None = _either(
        "conferenceSeconds", "confSeconds", "conference_seconds"
    )
    agent_seconds: float | None = None
    total_duration_seconds: float | None = None
    abandoned: bool | None = None
    end_reason: str | None = None
    primary_disposition_id: int | None = None
    disposition_notes: str | None = None
    last_update_time: str | None = None


class CompletedPage(ResponseModel):
    """``GET /contacts/completed``."""

    completed_contacts: list[CompletedContact] = Field(default_factory=list)
    total_records: int | None = None
    last_poll_time: str | None = None
    links: Links | None = Field(default=None, alias="_links")


class ContactDetail(ResponseModel):
    """``GET /contacts/{id}``: an active or completed contact (shape varies; extras kept)."""

    contact_id: int
    skill_id: int | None = None
    state_name: str | None = None
    to_address: str | None = _either("toAddress", "toAddr", "to_address")
    from_address: str | None = _either("fromAddress", "fromAddr", "from_address")
    contact_start_date: str | None = _either(
        "contactStartDate", "contactStart", "startDate", "contact_start_date"
    )
    end_reason: str | None = None
    primary_disposition_id: int | None = None
    is_active: bool | None = None
    abandoned: bool | None = None
    agent_seconds: float | None = None
    total_duration_seconds: float | None = None
    last_update_time: str | None = None


class ContactState(ResponseModel):
    """One row of a contact's state history."""

    state_index: int | None = None
    contact_state_id: int | None = None
    contact_state_name: str | None = None
    start_date: str | None = None
    duration: float | str | None = None
    """Seconds, or an ISO-8601 duration such as ``PT5.5S`` (the spec types it a string)."""


class CustomDatum(ResponseModel):
    """One ``{name, value}`` of a contact's custom data."""

    name: str
    value: Any = None


class AgentState(ResponseModel):
    """An agent's real-time state (``GET /agents/states``)."""

    agent_id: int
    agent_state_name: AgentStateName | str | None = None
    contact_id: int | None = None
    skill_id: int | None = None
    is_outbound: bool | None = None
    last_update_time: str | None = None


class AgentStatesPage(ResponseModel):
    """``GET /agents/states``."""

    agent_states: list[AgentState] = Field(default_factory=list)
    last_poll_time: str | None = None


class BusinessUnit(ResponseModel):
    """The business unit (``GET /business-unit``), pacing and compliance defaults included."""

    business_unit_id: int | None = None
    business_unit_name: str | None = None
    allow_predictive_dialing: bool | None = None
    enable_skill_abandon_rate: bool | None = None
    outbound_port_limit: int | None = None
    agentless_port_limit: int | None = None
    default_time_zone: str | None = None


class DncGroup(ResponseModel):
    """A DNC group."""

    dnc_group_id: int
    dnc_group_name: str | None = None
    valid_records: int | None = None
    is_active: bool | None = None


class DncRecord(RequestModel):
    """One number for ``POST``/``DELETE /dnc-groups/{id}/records``."""

    phone_number: str = Field(min_length=7)
    expired_date: str | None = None


class DncSearchResult(ResponseModel):
    """A DNC hit from ``POST /dnc-groups/search``."""

    dnc_group_id: int | None = None
    dnc_group_name: str | None = None
    formatted_phone: str | None = None
    expired_date: str | None = None
