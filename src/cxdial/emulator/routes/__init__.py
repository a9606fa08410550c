"""The ACD API routers, one module per CXone API area."""

from __future__ import annotations

from fastapi import APIRouter

from cxdial.emulator.routes import (
    business_unit,
    contacts,
    dialing,
    dnc,
    lists,
    sessions,
    skill_parameters,
    skills,
)

__all__ = ["ROUTERS"]

ROUTERS: tuple[APIRouter, ...] = (
    business_unit.router,
    contacts.router,
    dialing.router,
    dnc.router,
    lists.router,
    sessions.router,
    skill_parameters.router,
    skills.router,
)
