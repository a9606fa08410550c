"""Spec ↔ CXone: which fields of the PC skill and its parameter blocks a spec sets.

A :data:`Config` is the platform side of a campaign: for each *section* (``skill`` for
``PUT /skills/{id}``, else a parameter block's path segment) the wire fields cxdial
manages, with CXone's names (``cxone-api.md`` §3.1, §4; the emulator's routes under
``emulator/routes/skill_parameters.py``). Fields cxdial does not manage are never read
into a Config nor written, so a console setting cxdial knows nothing about is left alone.

How a dialing mode shows on the platform is INFERRED (CXone documents no mode field):
agentless = the skill's ``agentless`` flag; preview = confirmation required on every
record (``deliveryPreferences.confirmationRequiredDisabled: false``); predictive = a
``maximumRatio`` above 1; progressive = one call per agent. ``retry.cadence`` maps onto
the cadence settings block (``PUT`` takes it unwrapped with ``maximumAttempts``, ``GET``
answers ``cadenceMaximumAttempts``; :func:`~cxdial.campaigns.live.read_config` reads it
under the PUT name), managed only when the spec has it. Frequency caps, failover and the
drop message's words have no platform field; they stay cxdial-side (the compliance gate
and the monitor read them).
"""

from __future__ import annotations

import copy
from typing import Any

from cxdial.campaigns.spec import DAYS, CampaignSpec, dump_spec, parse_spec

__all__ = [
    "ABSENT",
    "SECTIONS",
    "Config",
    "comparable",
    "desired_config",
    "project",
    "spec_from_config",
]

Config = dict[str, Any]
"""``{section: {field: value}}``; the ``time-zones`` section is ``{"timeZoneSettings": [...]}``."""

SECTIONS = (
    "skill",
    "general-settings",
    "retry-settings",
    "schedule-settings",
    "time-zones",
    "delivery-preferences",
    "cpa-management",
    "cadence-settings",
)
"""Every section cxdial may write, in the order apply writes them."""

_DAY_NAMES = {
    "mon": "monday",
    "tue": "tuesday",
    "wed": "wednesday",
    "thu": "thursday",
    "fri": "friday",
    "sat": "saturday",
    "sun": "sunday",
}
_ZONE_KEYS = ("standardName", "startTime", "endTime", "timeZoneActiveToCall", "overrideTime")
US_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
)
"""The zones ``calling_window.every_us_zone`` writes (those the spec does not list)."""


def _every_us_zone(spec: CampaignSpec) -> list[dict[str, Any]]:
    """With ``calling_window.every_us_zone``: the window in each unlisted US zone's local
    time (``overrideTime``), so the platform's hours follow the callee as the gate's do."""
    window = spec.calling_window
    if not window.every_us_zone:
        return []
    listed = {z.zone for z in window.zones}
    return [
        {
            "standardName": zone,
            "startTime": window.start,
            "endTime": window.end,
            "timeZoneActiveToCall": True,
            "overrideTime": True,
        }
        for zone in US_ZONES
        if zone not in listed
    ]


def desired_config(spec: CampaignSpec) -> Config:
    """The platform fields ``spec`` sets, section by section."""
    mode = spec.dialing.mode
    skill: dict[str, Any] = {
        "skillName": spec.skill.name,
        "agentless": mode == "agentless",
        "agentlessPorts": spec.dialing.agentless_ports or 0,
    }
    if spec.caller_id is not None:
        skill["callerIdOverride"] = spec.caller_id
    if spec.skill.campaign_id is not None:
        skill["campaignId"] = spec.skill.campaign_id
    pacing = spec.pacing
    window = spec.calling_window
    schedule: dict[str, Any] = {"isScheduled": True}
    for short, day in _DAY_NAMES.items():
        active = short in window.days
        schedule[f"{day}IsActive"] = active
        if active:
            schedule[f"{day}StartTime"] = window.start
            schedule[f"{day}EndTime"] = window.end
    zones = [
        {
            "standardName": z.zone,
            "startTime": z.start or window.start,
            "endTime": z.end or window.end,
            "timeZoneActiveToCall": z.active,
            "overrideTime": z.start is not None,
        }
        for z in window.zones
    ]
    zones += _every_us_zone(spec)
    cpa: dict[str, Any] = {"abandonTimeout": max(1, int(pacing.connect_seconds))}
    if spec.abandon_message is not None and spec.abandon_message.prompt_path is not None:
        cpa["abandonMessagePath"] = spec.abandon_message.prompt_path
    config: Config = {
        "skill": skill,
        "general-settings": {
            "maximumRatio": float(pacing.max_ratio if mode == "predictive" else 1.0),
            "abandonRateThreshold": round(100 * pacing.abandon_target, 4),
            "maximumRingingDuration": pacing.ring_seconds,
            "maxConcurrentCallsPerAgent": pacing.max_calls_per_agent,
        },
        "retry-settings": {
            "maximumAttempts": spec.retry.max_attempts,
            "minimumRetryMinutes": spec.retry.min_retry_minutes,
            "finalizeWhenExhausted": spec.retry.finalize_when_exhausted,
        },
        "schedule-settings": schedule,
        "time-zones": {"timeZoneSettings": zones},
        "delivery-preferences": {"confirmationRequiredDisabled": mode != "preview"},
        "cpa-management": cpa,
    }
    cadence = spec.retry.cadence
    if cadence is not None:
        config["cadence-settings"] = {
            "destinationRetryRestMinutes": cadence.destination_rest_minutes,
            "maximumAttempts": [
                {"fieldName": name, "attempts": attempts}
                for name, attempts in sorted(cadence.max_attempts_per_destination.items())
            ],
        }
    return config


ABSENT = "(unset)"
"""What :func:`project` puts for a field the platform did not return."""


def comparable(value: Any) -> Any:
    """``value`` in the form two configs are compared in (HH:MM times, numbers as floats)."""
    if isinstance(value, str) and len(value) == 8 and value[2] == ":" and value[5] == ":":
        return value[:5]  # HH:MM:SS from a tenant compares equal to HH:MM
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list):
        return [comparable(v) for v in value]
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items()}
    return value


def project(live: Config, like: Config) -> Config:
    """The fields of ``live`` that ``like`` names, as the platform holds them.

    A field the platform did not return is :data:`ABSENT`; time zones keep only the keys
    cxdial writes.
    """
    out: Config = {}
    for section, fields in like.items():
        have = live.get(section) or {}
        if section == "time-zones":
            zones = have.get("timeZoneSettings") or []
            out[section] = {
                "timeZoneSettings": [
                    {k: z.get(k) for k in _ZONE_KEYS} for z in zones if isinstance(z, dict)
                ]
            }
            continue
        out[section] = {k: copy.deepcopy(have[k]) if k in have else ABSENT for k in fields}
    return out


def spec_from_config(live: Config, *, name: str, skill_id: int, purpose: str = "marketing") -> str:
    """A spec (YAML text) that maps onto ``live``: what ``cxdial campaign export`` writes.

    What the platform does not hold (purpose, the drop message's words, lists' CSV sources)
    is filled with placeholders marked ``REPLACE``; ``validate`` reports them.
    """
    skill = live.get("skill", {})
    general = live.get("general-settings", {})
    retry = live.get("retry-settings", {})
    schedule = live.get("schedule-settings", {})
    cpa = live.get("cpa-management", {})
    delivery = live.get("delivery-preferences", {})
    ratio = float(general.get("maximumRatio", 1.0) or 1.0)
    if skill.get("agentless"):
        mode = "agentless"
    elif delivery.get("confirmationRequiredDisabled") is False:
        mode = "preview"
    else:
        mode = "predictive" if ratio > 1 else "progressive"
    days = [s for s, d in _DAY_NAMES.items() if schedule.get(f"{d}IsActive")]
    first = next((d for d in _DAY_NAMES.values() if schedule.get(f"{d}IsActive")), "monday")
    start = str(schedule.get(f"{first}StartTime") or "09:00")[:5]
    end = str(schedule.get(f"{first}EndTime") or "20:00")[:5]
    zones = [
        {
            "zone": z.get("standardName") or z.get("name"),
            **(
                {"start": str(z.get("startTime"))[:5], "end": str(z.get("endTime"))[:5]}
                if z.get("overrideTime")
                else {}
            ),
            "active": bool(z.get("timeZoneActiveToCall", True)),
        }
        for z in (live.get("time-zones", {}).get("timeZoneSettings") or [])
    ]
    data: dict[str, Any] = {
        "name": name,
        "description": f"exported from skill {skill_id}",
        "skill": {"name": skill.get("skillName") or name, "id": skill_id},
        "dialing": {"mode": mode},
        "pacing": {
            "max_ratio": ratio if mode == "predictive" else 1.0,
            "abandon_target": float(general.get("abandonRateThreshold", 3.0)) / 100,
            "ring_seconds": int(general.get("maximumRingingDuration", 20)),
            "max_calls_per_agent": int(general.get("maxConcurrentCallsPerAgent", 1)),
            "connect_seconds": float(cpa.get("abandonTimeout", 2)),
        },
        "purpose": purpose,
        "caller_id": skill.get("callerIdOverride"),
        "calling_window": {
            "days": days or list(DAYS[:5]),
            "start": start,
            "end": end,
            "zones": zones,
        },
        "retry": {
            "max_attempts": int(retry.get("maximumAttempts", 3)),
            "min_retry_minutes": int(retry.get("minimumRetryMinutes", 60)),
            "finalize_when_exhausted": bool(retry.get("finalizeWhenExhausted", True)),
        },
    }
    cadence = live.get("cadence-settings", {})
    rest = int(cadence.get("destinationRetryRestMinutes") or 0)
    limits = {
        str(item["fieldName"]): int(item["attempts"])
        for item in cadence.get("maximumAttempts") or []
        if isinstance(item, dict) and item.get("fieldName") and item.get("attempts")
    }
    if rest or limits:
        data["retry"]["cadence"] = {
            "destination_rest_minutes": rest,
            "max_attempts_per_destination": limits,
        }
    if skill.get("campaignId") is not None:
        data["skill"]["campaign_id"] = int(skill["campaignId"])
    if mode == "agentless":
        data["dialing"]["agentless_ports"] = int(skill.get("agentlessPorts") or 1)
    if mode in ("predictive", "agentless") or cpa.get("abandonMessagePath"):
        data["abandon_message"] = {
            "seller": "REPLACE with the seller's name",
            "opt_out": "REPLACE with the opt-out",
            "text": "REPLACE with the words of the recorded message",
            **({"prompt_path": cpa["abandonMessagePath"]} if cpa.get("abandonMessagePath") else {}),
        }
    return dump_spec(parse_spec(data, source=f"skill {skill_id}"))
