"""One module per CXone API area: thin, typed, no policy of their own.

Each area has an I/O-free ``…Requests`` builder (usable with ``client.send`` for the raw
response) and sync/async twins that the clients expose as attributes.
"""

from cxdial.cxone.resources.agent_sessions import AgentSessions, AsyncAgentSessions
from cxdial.cxone.resources.agents import Agent, Agents, AsyncAgents
from cxdial.cxone.resources.business_unit import AsyncBusinessUnitResource, BusinessUnitResource
from cxdial.cxone.resources.contacts import AsyncContacts, Contacts
from cxdial.cxone.resources.dialing import (
    CONTEXT_FIELD,
    AsyncCallbacks,
    AsyncScripts,
    Callbacks,
    Scripts,
)
from cxdial.cxone.resources.dnc import AsyncDnc, Dnc
from cxdial.cxone.resources.lists import AsyncLists, Lists
from cxdial.cxone.resources.skills import AsyncSkills, Skills

__all__ = [
    "CONTEXT_FIELD",
    "Agent",
    "AgentSessions",
    "Agents",
    "AsyncAgentSessions",
    "AsyncAgents",
    "AsyncBusinessUnitResource",
    "AsyncCallbacks",
    "AsyncContacts",
    "AsyncDnc",
    "AsyncLists",
    "AsyncScripts",
    "AsyncSkills",
    "BusinessUnitResource",
    "Callbacks",
    "Contacts",
    "Dnc",
    "Lists",
    "Scripts",
    "Skills",
]
