"""The ACD API routers, one module per CXone API area."""

from __future__ import annotations

from fastapi import APIRouter

from cxdial.emulator.routes import (
    business_unit,
    contacts,
    dialing,
    dnc,
    list_jobs,
    lists,
    sessions,
    skill_activity,
    skill_parameters,
    skills,
)

__all__ = ["ROUTERS"]

# Order matters: fixed paths (``/skills/activity``, ``/lists/call-lists/jobs``) must be
# registered before the routers whose ``{id}`` paths would otherwise capture them.
ROUTERS: tuple[APIRouter, ...] = (
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
