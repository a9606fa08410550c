"""What an access key may do: one harmless request per area (CXone has no OAuth scopes).

Permissions come from the security profile of the access key's user, and the only way to
learn them is to ask. Reads are probed with a one-item GET. Dialing cannot be probed by
dialing, so it is probed with a ``POST /scripts/start`` (and ``/queuecallback``) that
carries no parameters at all: CXone checks the security profile before it validates the
request, so a 403 means the permission is missing and a 400 naming the missing parameter
means it is there — and without a skill or a script, nothing can be started. The
emulator checks in that order (``emulator/deps.py``: version, token, rate, Accept,
permission, then the route's own validation). That a real tenant does too is UNVERIFIED
(``docs/client.md``): one that validated first would answer 400 either way, and the
probe would report "ok" for a key that lacks the permission.
"""

from __future__ import annotations

from collections.abc import Callable

from cxdial.cxone.client import Client
from cxdial.cxone.request import APIRequest
from cxdial.cxone.resources._base import parse_none
from cxdial.cxone.versions import acd_path
from cxdial.errors import BadRequest, PermissionDenied

__all__ = ["check_access", "empty_write"]


def empty_write(template: str) -> APIRequest[None]:
    """A parameterless POST to ``template``: it cannot act, so repeating it is harmless."""
    return APIRequest("POST", acd_path(template), parse=parse_none, idempotent=True)


def _write_probe(client: Client, template: str) -> Callable[[], object]:
    def probe() -> object:
        try:
            client.send(empty_write(template))
        except BadRequest:
            return None  # refused for the missing parameters: past the permission check
        return None

    return probe


def check_access(client: Client) -> dict[str, str]:
    """Each area → ``"ok"`` or ``"denied (<what to grant>)"``; other failures raise."""
    probes: dict[str, Callable[[], object]] = {
        "skills": lambda: next(iter(client.skills.list(page_size=1)), None),
        "calling lists": client.lists.all,
        "DNC groups": client.dnc.groups,
        "agent states": client.agents.states,
        "contacts": lambda: next(iter(client.contacts.iter_active()), None),
        "dialing (scripts/start)": _write_probe(client, "/scripts/start"),
        "callbacks (queuecallback)": _write_probe(client, "/queuecallback"),
    }
    found: dict[str, str] = {}
    for area, probe in probes.items():
        try:
            probe()
        except PermissionDenied as exc:
            found[area] = f"denied ({exc.fix or exc.message})"
        else:
            found[area] = "ok"
    return found
