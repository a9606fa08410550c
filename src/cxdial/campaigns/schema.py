"""The JSON Schema of the campaign spec, generated from the models (for editors)."""

from __future__ import annotations

import json
from typing import Any

from cxdial.campaigns.spec import CampaignSpec

__all__ = ["SCHEMA_ID", "spec_schema", "spec_schema_text"]

SCHEMA_ID = "https://cxdial.dev/schemas/campaign-spec-v1.json"


def spec_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :class:`CampaignSpec` as it is validated."""
    schema = CampaignSpec.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }


def spec_schema_text() -> str:
    """The schema as stable, indented JSON text (what ``cxdial campaign schema`` writes)."""
    return json.dumps(spec_schema(), indent=2, sort_keys=True) + "\n"
