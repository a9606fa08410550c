"""Response representations of reporting and real-time records, per API version.

Field sets follow the spec (calljacob/nice-cxone-api @28a1bd4b, generated from NICE's
OpenAPI: ``ReportingReportingService.ts``, ``RealtimedataRealtimeService.ts``); the v21–v23
spellings of ``completedContacts`` follow TAP (singer-io/tap-nice-incontact @e437854,
``schemas/contacts_completed.json``) and NICE's agent SDK (``customer-card-service.js``).
Values the emulator does not simulate are present with neutral values (0, false, null).
"""

from __future__ import annotations

from typing import Any

from cxdial.emulator.admin_state import Disposition
from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT
from cxdial.emulator.entities import Agent, Contact
from cxdial.emulator.routes.common import LEGACY_NAMES_MAX
from cxdial.emulator.telephony import completed_json
from cxdial.emulator.world import World

__all__ = [
    "ACTIVE_FIELDS",
    "AGENT_FIELDS",
    "AGENT_STATE_FIELDS",
    "AGENT_STATE_IDS",
    "COMPLETED_FIELDS",
    "DISPOSITION_FIELDS",
    "LEGACY_COMPLETED_NAMES",
    "STATE_IDS",
    "TEAM",
    "active_record",
    "agent_record",
    "agent_state_record",
    "completed_fields",
    "completed_record",
    "disposition_record",
]

STATE_IDS = {"Dialing": 3, "Ringing": 4, "Active": 5, "Disconnected": 11}
TEAM = (1, "Outbound")
"""The one team every simulated agent belongs to (emulator design)."""
LEGACY_COMPLETED_NAMES = {
    "fromAddress": "fromAddr",
    "toAddress": "toAddr",
    "contactStartDate": "contactStart",
    "mediaTypeId": "mediaType",
    "conferenceSeconds": "confSeconds",
    "acwSeconds": "ACWSeconds",
}
"""v33 name → v≤23 name of ``completedContacts`` fields (TAP schema; SDK V23 model)."""

COMPLETED_FIELDS = [
    "abandoned",
    "abandonSeconds",
    "acwSeconds",
    "agentId",
    "agentSeconds",
    "analyticsProcessedDate",
    "callbackTime",
    "campaignId",
    "campaignName",
    "conferenceSeconds",
    "contactId",
    "contactStartDate",
    "dateACWWarehoused",
    "dateContactWarehoused",
    "dispositionNotes",
    "endReason",
    "firstName",
    "fromAddress",
    "holdCount",
    "holdSeconds",
    "inQueueSeconds",
    "isAnalyticsProcessed",
    "isLogged",
    "isOutbound",
    "isRefused",
    "isShortAbandon",
    "isTakeover",
    "lastName",
    "lastUpdateTime",
    "masterContactId",
    "mediaSubTypeId",
    "mediaSubTypeName",
    "mediaTypeId",
    "mediaTypeName",
    "pointOfContactId",
    "pointOfContactName",
    "postQueueSeconds",
    "preQueueSeconds",
    "primaryDispositionId",
    "refuseReason",
    "refuseTime",
    "releaseSeconds",
    "routingAttribute",
    "routingTime",
    "secondaryDispositionId",
    "serviceLevelFlag",
    "skillId",
    "skillName",
    "teamId",
    "teamName",
    "toAddress",
    "totalDurationSeconds",
    "transferIndicatorId",
    "transferIndicatorName",
    "tags",
]
ACTIVE_FIELDS = [
    "agentId",
    "agentStartDate",
    "campaignId",
    "campaignName",
    "contactId",
    "contactStartDate",
    "fileName",
    "firstName",
    "fromAddress",
    "highProficiency",
    "holdCount",
    "isLogged",
    "isOutbound",
    "isTakeover",
    "lastName",
    "lastUpdateTime",
    "lowProficiency",
    "masterContactId",
    "mediaSubTypeId",
    "mediaSubTypeName",
    "mediaTypeId",
    "mediaTypeName",
    "pointOfContactId",
    "pointOfContactName",
    "routingAttribute",
    "skillId",
    "skillName",
    "stateName",
    "stateId",
    "contactStateCategory",
    "targetAgentId",
    "teamId",
    "teamName",
    "toAddress",
    "transferIndicatorId",
    "transferIndicatorName",
]
AGENT_STATE_FIELDS = [
    "agentId",
    "agentStateId",
    "agentStateName",
    "agentStateCategory",
    "businessUnitId",
    "contactId",
    "contactStartHandleTime",
    "isActive",
    "isACW",
    "isOutbound",
    "firstName",
    "fromAddress",
    "lastName",
    "lastUpdateTime",
    "mediaTypeName",
    "mediaTypeId",
    "openContacts",
    "outStateDescription",
    "outStateId",
    "sessionStartTime",
    "skillId",
    "skillName",
    "startDate",
    "stationId",
    "stationPhoneNumber",
    "teamId",
    "teamName",
    "toAddress",
    "userName",
]
AGENT_FIELDS = [
    "agentId",
    "userName",
    "firstName",
    "middleName",
    "lastName",
    "emailAddress",
    "isActive",
    "teamId",
    "teamName",
    "reportToId",
    "isSupervisor",
    "lastLogin",
    "lastUpdated",
    "location",
    "profileId",
    "profileName",
    "timeZone",
    "country",
    "state",
    "city",
    "userID",
    "userId",
    "internalId",
    "hireDate",
]
DISPOSITION_FIELDS = [
    "dispositionId",
    "dispositionName",
    "notes",
    "lastUpdated",
    "classificationId",
    "classificationName",
    "systemOutcome",
    "isActive",
    "isPreviewDisposition",
    "classification",
    "isContactFinal",
]
AGENT_STATE_IDS = {
    "LoggedOut": 0,
    "Available": 1,
    "Unavailable": 2,
    "InboundContact": 3,
    "OutboundContact": 4,
    "InboundConsult": 5,
    "OutboundConsult": 6,
    "Dialer": 7,
    "LoggedIn": 8,
}


def completed_fields(version: int) -> list[str]:
    """The ``completedContacts`` field names under ``version``."""
    if version > LEGACY_NAMES_MAX:
        return list(COMPLETED_FIELDS)
    return [LEGACY_COMPLETED_NAMES.get(name, name) for name in COMPLETED_FIELDS]


def _agent_names(world: World, agent_id: int | None) -> tuple[str | None, str | None]:
    agent = world.agents.get(agent_id) if agent_id is not None else None
    return (agent.first_name, agent.last_name) if agent else (None, None)


def _skill_name(world: World, skill_id: int | None) -> str | None:
    skill = world.skills.get(skill_id) if skill_id is not None else None
    return skill.name if skill else None


def completed_record(world: World, contact: Contact, version: int) -> dict[str, Any]:
    """A ``completedContacts`` item with the field names of ``version``."""
    base = completed_json(world, contact)
    first, last = _agent_names(world, contact.agent_id)
    held = contact.agent_id is not None
    full: dict[str, Any] = {
        "abandoned": base["abandoned"],
        "abandonSeconds": base["abandonSeconds"],
        "acwSeconds": 0,
        "agentId": base["agentId"],
        "agentSeconds": base["agentSeconds"],
        "analyticsProcessedDate": None,
        "callbackTime": 0,
        "campaignId": base["campaignId"],
        "campaignName": None,
        "conferenceSeconds": 0,
        "contactId": base["contactId"],
        "contactStartDate": base["contactStartDate"],
        "dateACWWarehoused": None,
        "dateContactWarehoused": None,
        "dispositionNotes": base["dispositionNotes"],
        "endReason": base["endReason"],
        "firstName": first,
        "fromAddress": base["fromAddress"],
        "holdCount": 0,
        "holdSeconds": 0,
        "inQueueSeconds": base["inQueueSeconds"],
        "isAnalyticsProcessed": False,
        "isLogged": base["isLogged"],
        "isOutbound": base["isOutbound"],
        "isRefused": False,
        "isShortAbandon": base["isShortAbandon"],
        "isTakeover": False,
        "lastName": last,
        "lastUpdateTime": base["lastUpdateTime"],
        "masterContactId": base["masterContactId"],
        "mediaSubTypeId": 0,
        "mediaSubTypeName": None,
        "mediaTypeId": base["mediaTypeId"],
        "mediaTypeName": "Call",
        "pointOfContactId": 0,
        "pointOfContactName": None,
        "postQueueSeconds": 0,
        "preQueueSeconds": 0,
        "primaryDispositionId": base["primaryDispositionId"],
        "refuseReason": None,
        "refuseTime": None,
        "releaseSeconds": 0,
        "routingAttribute": 0,
        "routingTime": 0,
        "secondaryDispositionId": base["secondaryDispositionId"],
        "serviceLevelFlag": 0,
        "skillId": base["skillId"],
        "skillName": _skill_name(world, contact.skill_id),
        "teamId": TEAM[0] if held else 0,
        "teamName": TEAM[1] if held else None,
        "toAddress": base["toAddress"],
        "totalDurationSeconds": base["totalDurationSeconds"],
        "transferIndicatorId": 0,
        "transferIndicatorName": "None",
        "tags": [],
    }
    if version > LEGACY_NAMES_MAX:
        return full
    return {LEGACY_COMPLETED_NAMES.get(k, k): v for k, v in full.items()}


def active_record(world: World, contact: Contact) -> dict[str, Any]:
    """An ``activeContacts`` item (spec field set)."""
    first, last = _agent_names(world, contact.agent_id)
    held = contact.agent_id is not None
    return {
        "agentId": contact.agent_id,
        "agentStartDate": world.iso(contact.answered_at) if held else None,
        "campaignId": 0,
        "campaignName": None,
        "contactId": contact.contact_id,
        "contactStartDate": world.iso(contact.created),
        "fileName": None,
        "firstName": first,
        "fromAddress": contact.caller_id,
        "highProficiency": 1,
        "holdCount": 0,
        "isLogged": False,
        "isOutbound": True,
        "isTakeover": False,
        "lastName": last,
        "lastUpdateTime": world.iso(contact.updated),
        "lowProficiency": 20,
        "masterContactId": contact.contact_id,
        "mediaSubTypeId": 0,
        "mediaSubTypeName": None,
        "mediaTypeId": 4,
        "mediaTypeName": "Call",
        "pointOfContactId": 0,
        "pointOfContactName": None,
        "routingAttribute": 0,
        "skillId": contact.skill_id,
        "skillName": _skill_name(world, contact.skill_id),
        "stateName": contact.state,
        "stateId": STATE_IDS.get(contact.state, 0),
        "contactStateCategory": "With Agent" if held and contact.state == "Active" else "Other",
        "targetAgentId": contact.agent_id,
        "teamId": TEAM[0] if held else 0,
        "teamName": TEAM[1] if held else None,
        "toAddress": contact.to,
        "transferIndicatorId": 0,
        "transferIndicatorName": "None",
    }


def agent_state_record(world: World, agent: Agent) -> dict[str, Any]:
    """An ``agentStates`` item (spec field set; ``startDate`` = when the state began)."""
    contact = world.contacts.get(agent.contact_id) if agent.contact_id is not None else None
    return {
        "agentId": agent.agent_id,
        "agentStateId": AGENT_STATE_IDS.get(agent.state, 0),
        "agentStateName": agent.state,
        "agentStateCategory": agent.state,
        "businessUnitId": DEMO_BUSINESS_UNIT,
        "contactId": agent.contact_id,
        "contactStartHandleTime": world.iso(contact.answered_at) if contact else None,
        "isActive": True,
        "isACW": agent.state == "Unavailable" and agent.busy_until > world.now,
        "isOutbound": True,
        "firstName": agent.first_name,
        "fromAddress": contact.caller_id if contact else None,
        "lastName": agent.last_name,
        "lastUpdateTime": world.iso(agent.updated),
        "mediaTypeName": "Call" if contact else None,
        "mediaTypeId": 4 if contact else None,
        "openContacts": 1 if contact else 0,
        "outStateDescription": None,
        "outStateId": 0,
        "sessionStartTime": None,
        "skillId": agent.skill_id,
        "skillName": _skill_name(world, agent.skill_id),
        "startDate": world.iso(agent.updated),
        "stationId": 0,
        "stationPhoneNumber": None,
        "teamId": TEAM[0],
        "teamName": TEAM[1],
        "toAddress": contact.to if contact else None,
        "userName": _user_name(agent),
    }


def _user_name(agent: Agent) -> str:
    return f"{agent.first_name.lower()}.{agent.last_name.lower()}@emulator.local"


def agent_record(world: World, agent: Agent) -> dict[str, Any]:
    """An ``agents`` item (spec names; ``emailAddress`` is what MCP resolves agents by)."""
    return {
        "agentId": agent.agent_id,
        "userName": _user_name(agent),
        "firstName": agent.first_name,
        "middleName": None,
        "lastName": agent.last_name,
        "emailAddress": _user_name(agent),
        "isActive": True,
        "teamId": TEAM[0],
        "teamName": TEAM[1],
        "reportToId": None,
        "isSupervisor": False,
        "lastLogin": None,
        "lastUpdated": world.iso(agent.updated),
        "location": None,
        "profileId": 1,
        "profileName": "Agent",
        "timeZone": "Eastern Standard Time",
        "country": "US",
        "state": None,
        "city": None,
        "userID": f"00000000-0000-4000-8000-{agent.agent_id:012d}",
        "userId": f"00000000-0000-4000-8000-{agent.agent_id:012d}",
        "internalId": str(agent.agent_id),
        "hireDate": None,
    }


def disposition_record(world: World, disposition: Disposition) -> dict[str, Any]:
    """A ``dispositions`` item (CJ getDispositions) plus ``classificationName`` (CJ's
    single-disposition GET; MCP reads it); ``classification`` and ``isContactFinal`` are ours."""
    cls = world.admin.classification(disposition.classification_id)
    return {
        "dispositionId": disposition.disposition_id,
        "dispositionName": disposition.name,
        "notes": disposition.notes,
        "lastUpdated": world.clock.iso(disposition.updated),
        "classificationId": disposition.classification_id,
        "classificationName": cls.name if cls else None,
        "systemOutcome": disposition.system_outcome,
        "isActive": disposition.is_active,
        "isPreviewDisposition": disposition.is_preview,
        "classification": cls.name if cls else None,
        "isContactFinal": bool(cls and cls.is_contact_final),
    }
