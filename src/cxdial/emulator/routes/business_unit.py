"""``/business-unit`` and its outbound routes (the caller IDs the tenant owns)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.world import CALLER_IDS

__all__ = ["router"]

router = APIRouter(prefix=ACD_PREFIX)
_VIEW = Depends(acd("Business Unit View"))


@router.get("/business-unit")
async def business_unit(ctx: Ctx = _VIEW) -> dict[str, Any]:
    """The business unit and its outbound settings; ``callerIds`` is emulator-specific."""
    return {
        "businessUnits": [
            {
                "businessUnitId": DEMO_BUSINESS_UNIT,
                "businessUnitName": "cxdial emulator",
                "allowPredictiveDialing": True,
                "enableSkillAbandonRate": False,
                "abandonRateScope": "BusinessUnit",
                "callSuppression": False,
                "defaultContactExpirationMinutes": 1440,
                "outboundPortLimit": 100,
                "agentlessPortLimit": 20,
                "concurrentPortLimit": 120,
                "apiPublishedLimit": None,
                "defaultTimeZone": "Eastern Standard Time",
                "timeZones": [],
                "callerIds": list(CALLER_IDS),
                "agentsLoggedIn": sum(1 for a in ctx.world.agents.values() if a.simulated),
            }
        ]
    }


@router.get("/business-unit/outbound-routes")
async def outbound_routes(ctx: Ctx = _VIEW) -> dict[str, Any]:
    """Outbound routes, each with the caller ID it presents."""
    del ctx
    routes = [
        {"outboundRouteId": 100 + i, "routeName": f"Route {i + 1}", "callerId": number}
        for i, number in enumerate(CALLER_IDS)
    ]
    return {"outboundRoutes": routes, "totalRecords": len(routes)}
