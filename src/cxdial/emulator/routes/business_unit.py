"""``/business-unit`` and its outbound routes (the caller IDs the tenant owns).

Field sets follow the spec (CJ ``AdminGeneral_getBusinessUnitResponse``,
``getBusinessUnitOutboundRoutes``); MCP reads ``features[].isEnabled/productDescription``
and ``priorityBasedBlending`` on a live tenant. ``callerIds`` and ``agentsLoggedIn`` on the
business unit and ``callerId`` on each route are the emulator's own additions.
"""

# Parameter names are CXone's camelCase wire names.
# ruff: noqa: N803

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from cxdial.emulator.credentials import DEMO_BUSINESS_UNIT, DEMO_TENANT_ID
from cxdial.emulator.deps import ACD_PREFIX, Ctx, acd
from cxdial.emulator.routes.common import CxoneRoute
from cxdial.emulator.validation import query_flag
from cxdial.emulator.world import CALLER_IDS

__all__ = ["router"]

router = APIRouter(prefix=ACD_PREFIX, route_class=CxoneRoute)
_VIEW = Depends(acd("Business Unit View"))
_FEATURES = (
    (1, "Personal Connection"),
    (2, "Proactive XS"),
    (3, "Agentless Dialing"),
)
"""Products the demo tenant has (design; the spec types ``features`` loosely)."""


@router.get("/business-unit")
async def business_unit(
    ctx: Ctx = _VIEW, includeTrustedBusinessUnits: str | None = None
) -> dict[str, Any]:
    """The business unit and its outbound settings (one unit: it trusts no other)."""
    query_flag(includeTrustedBusinessUnits, "includeTrustedBusinessUnits")
    return {
        "businessUnits": [
            {
                "businessUnitId": DEMO_BUSINESS_UNIT,
                "businessUnitName": "cxdial emulator",
                "tenantId": DEMO_TENANT_ID,
                "parentTenantId": None,
                "isActive": True,
                "globalCallerId": CALLER_IDS[0],
                "defaultTimeZone": "Eastern Standard Time",
                "agentsUseDefaultTimeZone": True,
                "startDayOfWeek": 0,
                "callSuppression": False,
                "priorityBasedBlending": False,
                "enableFiltering": False,
                "allowPredictiveDialing": True,
                "enableTrueBlending": False,
                "enableSkillAbandonRate": False,
                "abandonRateScope": 0,
                "defaultConfirmationDeliveryModeId": 0,
                "defaultConfirmationDeliveryMode": "Agent",
                "defaultComplianceRecordTypeId": 0,
                "defaultComplianceRecordType": "None",
                "defaultContactExpirationMinutes": 1440,
                "apiPublishedLimit": None,
                "concurrentPortLimit": 120,
                "outboundPortLimit": 100,
                "agentlessPortLimit": 20,
                "concurrentAgentLimit": len(ctx.world.agents),
                "isMultiContactHandling": False,
                "features": [
                    {"featureId": i, "productDescription": name, "isEnabled": True}
                    for i, name in _FEATURES
                ],
                "timeZones": [],
                "callerIds": list(CALLER_IDS),
                "agentsLoggedIn": sum(1 for a in ctx.world.agents.values() if a.simulated),
            }
        ]
    }


@router.get("/business-unit/outbound-routes")
async def outbound_routes(ctx: Ctx = _VIEW) -> dict[str, Any]:
    """Outbound routes ``{outboundTelecomRouteId, routeDescription}``, each with the caller
    ID it presents (``callerId``: the emulator's addition, which cxdial reads)."""
    del ctx
    routes = [
        {
            "outboundTelecomRouteId": 100 + i,
            "routeDescription": f"Route {i + 1}",
            "callerId": number,
        }
        for i, number in enumerate(CALLER_IDS)
    ]
    return {"outboundRoutes": routes}
