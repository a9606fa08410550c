"""The ACD API routers, one module per CXone API area."""

from __future__ import annotations

from fastapi import APIRouter

from cxdial.emulator.routes import business_unit

__all__ = ["ROUTERS"]

ROUTERS: tuple[APIRouter, ...] = (business_unit.router,)
