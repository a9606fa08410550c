"""The ACD API routers, one module per CXone API area."""

from __future__ import annotations

from fastapi import APIRouter

from cxdial.emulator.routes import (
    business_unit,
    campaigns,
    contact_dispositions,
    contacts,
    dialing,
    dispositions,
    dnc,
    general,
    hours_of_operation,
    interactions,
    list_jobs,
    lists,
    realtime_states,
    sessions,
    skill_activity,
    skill_activity_search,
    skill_agents,
    skill_blocks,
    skill_parameters,
    skill_reporting,
    skills,
)

__all__ = ["ROUTERS"]

# Order matters: fixed paths (``/skills/activity``, ``/lists/call-lists/jobs``) must be
# registered before the routers whose ``{id}`` paths would otherwise capture them.
ROUTERS: tuple[APIRouter, ...] = (
    # campaign and event endpoints first: their fixed paths (/skills/agents,
    # /skills/parameters, /contacts/states, .../parameters/cadence-settings) sit where
    # older {id} routes would capture them
    campaigns.router,
    contact_dispositions.router,
    dispositions.router,
    general.router,
    hours_of_operation.router,
    interactions.router,
    realtime_states.router,
    skill_activity_search.router,
    skill_agents.router,
    skill_blocks.router,
    skill_reporting.router,
    business_unit.router,
    contacts.router,
    dialing.router,
    dnc.router,
    list_jobs.router,
    lists.router,
    sessions.router,
    skill_activity.router,
    skill_parameters.router,
    skills.router,
)
