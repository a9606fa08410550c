"""The ACD API routers, one module per CXone API area.

Their order does not matter: :func:`cxdial.emulator.routing.install_routes` puts fixed
paths ahead of path parameters whatever order the routers come in.
"""

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
    state_history,
)

__all__ = ["ROUTERS"]

ROUTERS: tuple[APIRouter, ...] = (
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
    state_history.router,
)
