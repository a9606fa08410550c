"""Shared pieces of the campaign tests: the emulator handle, the example spec, skills."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from cxdial.campaigns import CampaignSpec, parse_spec
from cxdial.campaigns.context import CampaignContext
from cxdial.compliance.ruleset import RuleSet
from cxdial.config import Settings
from cxdial.cxone import Client
from cxdial.emulator.testing import EmulatorHandle, demo_settings
from cxdial.store.list_screens import ListScreenStore

EXAMPLE = Path(__file__).parents[2] / "examples" / "campaign.yaml"


class Emulator(EmulatorHandle):
    """The running emulator, its control API and one-shot faults."""

    def fail_next(
        self, path_contains: str, *, status: str = "500", method: str = "PUT", times: int = 2
    ) -> None:
        """Fail the next ``times`` requests whose path contains ``path_contains``."""
        shot = {"path_contains": path_contains, "fault": status, "method": method, "times": times}
        self.control("POST", "faults", {"next": [shot]})

    def clear_faults(self) -> None:
        """Drop queued one-shot faults."""
        self.control("POST", "faults", {"clear": True})


def example_data() -> dict[str, Any]:
    """The example spec as plain data (a fresh copy)."""
    data = yaml.safe_load(EXAMPLE.read_text())
    assert isinstance(data, dict)
    return data


def new_skill(client: Client, name: str) -> int:
    """A fresh PC skill on the emulator (each test gets its own)."""
    ids = client.skills.create({"skill_name": name})
    return ids[0]


def spec_for(skill_id: int, name: str, **changes: Any) -> CampaignSpec:
    """The example spec pointed at ``skill_id`` under campaign ``name``, with top-level changes."""
    data = example_data()
    data["name"] = name
    data["skill"] = {"name": f"skill {name}", "id": skill_id}
    data["lists"] = []
    data.update(changes)
    return parse_spec(data)


def client_settings(issuer: str, **tuning: Any) -> Settings:
    """The demo key's settings for the emulator at ``issuer``: fast limits, ``tuning`` on top."""
    base: dict[str, Any] = {
        "rate_limit": 1000.0,
        "rate_burst": 1000,
        "max_retries": 1,
        "backoff_initial": 0.01,
        "backoff_max": 0.02,
    }
    return demo_settings(issuer, **(base | tuning))


def ready_skill(
    ctx: CampaignContext,
    emulator: Emulator,
    name: str,
    rows: int = 30,
    *,
    campaign: str | None = None,
) -> int:
    """A PC skill with agents and an uploaded, loaded calling list, screened for pre-flight.

    The screening is recorded as `cxdial list upload` records it, for ``campaign``
    (default: ``name`` with dashes for spaces).
    """
    client = ctx.client
    skill = new_skill(client, name)
    client.skills.assign_agents(skill, [{"agent_id": 1001 + i} for i in range(3)])
    list_id = client.lists.create(
        {
            "list_name": f"list {name}",
            "external_id_column": "id",
            "destination_mappings": [{"field_name": "PhoneNumber", "field_value": "phone"}],
        }
    )
    csv = "id,phone\n" + "".join(f"r{i},+1312555{i:04d}\n" for i in range(100, 100 + rows))
    client.lists.upload(list_id, csv, file_name=f"{name}.csv", skill_id=skill)
    emulator.control("POST", "clock/advance", {"seconds": 120})
    ListScreenStore(ctx.store).record_screen(
        campaign or name.replace(" ", "-"),
        f"list {name}",
        skill_id=skill,
        kind="upload",
        rule_set_version=RuleSet.load_default().version,
        screened_for=datetime.now(UTC),
        records=rows,
        list_id=list_id,
    )
    return skill
