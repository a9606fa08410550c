"""The emulator's fixed demo tenant, application and access keys (public by design).

Each access key belongs to a user whose security profile grants a set of CXone-like
permission names; every API route names the one it needs.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ACCESS_KEYS",
    "ALL_PERMISSIONS",
    "DEMO_ACCESS_KEY_ID",
    "DEMO_ACCESS_KEY_SECRET",
    "DEMO_BUSINESS_UNIT",
    "DEMO_CALLER_ID",
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_SKILL_ID",
    "DEMO_TENANT_ID",
    "DIALER_ACCESS_KEY_ID",
    "DIALER_ACCESS_KEY_SECRET",
    "DIALER_PERMISSIONS",
    "READONLY_ACCESS_KEY_ID",
    "READONLY_ACCESS_KEY_SECRET",
    "READONLY_PERMISSIONS",
    "AccessKey",
    "demo_env",
]

DEMO_ACCESS_KEY_ID = "EMULATOR-ACCESS-KEY"
DEMO_ACCESS_KEY_SECRET = "emulator-access-secret"
DEMO_CLIENT_ID = "cxdial-emulator"
DEMO_CLIENT_SECRET = "emulator-client-secret"
DEMO_TENANT_ID = "11eeeeee-0000-4000-8000-00000000e001"
DEMO_BUSINESS_UNIT = 4600001
DEMO_SKILL_ID = 24_000_001
"""The PC skill every fresh emulator starts with (ad-hoc calls go through it)."""
DEMO_CALLER_ID = "+18005550100"
"""A caller ID the demo business unit owns."""
DIALER_ACCESS_KEY_ID = "EMULATOR-DIALER-KEY"
DIALER_ACCESS_KEY_SECRET = "emulator-dialer-secret"
READONLY_ACCESS_KEY_ID = "EMULATOR-READONLY-KEY"
READONLY_ACCESS_KEY_SECRET = "emulator-readonly-secret"

CLUSTER_ID = "EMU1"
AREA = "na1"
TENANT_NAME = "cxdial-emulator"

READONLY_PERMISSIONS: frozenset[str] = frozenset(
    {
        "Agents View",
        "Business Unit View",
        "Calling Lists View",
        "Campaigns View",
        "Contacts View",
        "DNC View",
        "Dispositions View",
        "Hours of Operation View",
        "Reporting View",
        "Skills View",
    }
)
DIALER_PERMISSIONS: frozenset[str] = frozenset(
    {"Business Unit View", "Contacts View", "Scripts Start"}
)
"""A narrow service user that may only place ad-hoc calls and follow them."""
ALL_PERMISSIONS: frozenset[str] = READONLY_PERMISSIONS | {
    "Agent Sessions",
    "Callbacks Create",
    "Calling Lists Edit",
    "Campaigns Edit",
    "Contacts Edit",
    "DNC Edit",
    "Dispositions Edit",
    "Hours of Operation Edit",
    "Scripts Start",
    "Skills Edit",
}


@dataclass(frozen=True, slots=True)
class AccessKey:
    """A CXone user access key and the security profile of its user."""

    key_id: str
    secret: str
    user_id: str
    agent_id: int
    user_name: str
    permissions: frozenset[str]
    role: str = "Administrator"
    """The security profile's name (the id_token's ``role.legacyId``)."""
    role_id: str = "11eeeeee-0000-4000-8000-0000000b0001"


ACCESS_KEYS: dict[str, AccessKey] = {
    DEMO_ACCESS_KEY_ID: AccessKey(
        key_id=DEMO_ACCESS_KEY_ID,
        secret=DEMO_ACCESS_KEY_SECRET,
        user_id="11eeeeee-0000-4000-8000-0000000a0001",
        agent_id=900001,
        user_name="cxdial.service@emulator.local",
        permissions=ALL_PERMISSIONS,
    ),
    READONLY_ACCESS_KEY_ID: AccessKey(
        key_id=READONLY_ACCESS_KEY_ID,
        secret=READONLY_ACCESS_KEY_SECRET,
        user_id="11eeeeee-0000-4000-8000-0000000a0002",
        agent_id=900002,
        user_name="cxdial.readonly@emulator.local",
        permissions=READONLY_PERMISSIONS,
        role="Reporting",
        role_id="11eeeeee-0000-4000-8000-0000000b0002",
    ),
    DIALER_ACCESS_KEY_ID: AccessKey(
        key_id=DIALER_ACCESS_KEY_ID,
        secret=DIALER_ACCESS_KEY_SECRET,
        user_id="11eeeeee-0000-4000-8000-0000000a0003",
        agent_id=900003,
        user_name="cxdial.dialer@emulator.local",
        permissions=DIALER_PERMISSIONS,
        role="Dialer Service",
        role_id="11eeeeee-0000-4000-8000-0000000b0003",
    ),
}
"""Access keys by id. The demo application (client id/secret) is the only registered app."""


def demo_env(issuer: str, *, dialing: bool = False) -> dict[str, str]:
    """The ``CXDIAL_*`` variables that point a ``cxdial`` command at the emulator at
    ``issuer`` with the full-permission demo key; ``dialing`` adds the demo skill and
    caller ID (what ``cxdial emulator --print-env`` exports)."""
    env = {
        "CXDIAL_ISSUER": issuer,
        "CXDIAL_ACCESS_KEY_ID": DEMO_ACCESS_KEY_ID,
        "CXDIAL_ACCESS_KEY_SECRET": DEMO_ACCESS_KEY_SECRET,
        "CXDIAL_CLIENT_ID": DEMO_CLIENT_ID,
        "CXDIAL_CLIENT_SECRET": DEMO_CLIENT_SECRET,
    }
    if dialing:
        env["CXDIAL_SKILL_ID"] = str(DEMO_SKILL_ID)
        env["CXDIAL_CALLER_ID"] = DEMO_CALLER_ID
    return env
