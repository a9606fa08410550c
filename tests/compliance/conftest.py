"""Shared helpers for the compliance tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import pytest

from cxdial.compliance import Contact, Decision, Gate, Purpose, RuleSet


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    """The shipped rule set, loaded once."""
    return RuleSet.load_default()


@pytest.fixture
def gate(rules: RuleSet) -> Gate:
    """A gate with the shipped rules, no lists and no history."""
    return Gate(rules=rules)


def local(zone: str, *args: int) -> datetime:
    """An aware instant given as wall-clock time in ``zone``."""
    return datetime(*args, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


def person(**fields: Any) -> Contact:
    """A contact; defaults: consented landline in New York."""
    base: dict[str, Any] = {
        "id": "t1",
        "phone": "212-555-0142",
        "phone_type": "landline",
        "state": "NY",
        "postal_code": "10001",
        "consent": "express_written",
        "consent_at": "2020-01-01",
    }
    base.update(fields)
    return Contact.model_validate({k: v for k, v in base.items() if v is not None})


class Decide(Protocol):
    """Signature of the ``decide`` fixture."""

    def __call__(
        self, at: datetime, purpose: Purpose = ..., *, gate: Gate | None = ..., **fields: Any
    ) -> Decision: ...


@pytest.fixture
def decide(gate: Gate) -> Decide:
    """``gate.check`` on :func:`person` with ``fields`` (``autodialed`` and ``gate`` too)."""

    def run(
        at: datetime,
        purpose: Purpose = Purpose.TELEMARKETING,
        *,
        gate: Gate | None = None,
        **fields: Any,
    ) -> Decision:
        autodialed = fields.pop("autodialed", True)
        chosen = gate or default
        return chosen.check(person(**fields), at, purpose=purpose, autodialed=autodialed)

    default = gate
    return run


@pytest.fixture
def at_local() -> Any:
    """The :func:`local` helper as a fixture."""
    return local


@pytest.fixture
def make_person() -> Any:
    """The :func:`person` helper as a fixture."""
    return person


class Both(Protocol):
    """Signature of the ``both`` fixture."""

    def __call__(
        self,
        gate: Gate,
        contact: Contact,
        at: datetime,
        purpose: Purpose,
        *,
        autodialed: bool = ...,
        seller: str | None = ...,
    ) -> Decision: ...


@pytest.fixture
def both() -> Both:
    """``gate.check`` on ``contact``, after asserting ``gate.screen`` gives the same verdict."""

    def run(
        gate: Gate,
        contact: Contact,
        at: datetime,
        purpose: Purpose,
        *,
        autodialed: bool = True,
        seller: str | None = None,
    ) -> Decision:
        d = gate.check(contact, at, purpose=purpose, autodialed=autodialed, seller=seller)
        result = gate.screen([contact], at, purpose=purpose, autodialed=autodialed, seller=seller)
        (row,) = result.report().to_dicts()
        assert row["reasons"] == ";".join(d.reasons), (row, d)
        assert row["decision"] == ("ALLOW" if d.allowed else "BLOCK")
        expected = d.next_allowed_at.isoformat() if d.next_allowed_at else None
        assert row["next_allowed_at"] == expected, (row, d)
        return d

    return run
