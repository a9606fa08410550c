"""An emulator on a loopback port, a client bound to it, and a spec that manages a skill."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from campaigns_support import Emulator, client_settings

from cxdial.campaigns.context import CampaignContext
from cxdial.cxone import Client
from cxdial.emulator import EmulatorConfig
from cxdial.emulator.testing import EmulatorServer
from cxdial.store import Ledger, LedgerKey
from cxdial.store.audit import AUDIT_LEDGER, AuditLog
from cxdial.store.campaigns import CampaignStore


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """One emulator per test module (manual clock)."""
    with EmulatorServer(EmulatorConfig(seed=7, manual_clock=True)) as server:
        yield Emulator(server)


@pytest.fixture
def client(emulator: Emulator) -> Iterator[Client]:
    """A real client talking to the emulator over loopback."""
    settings = client_settings(emulator.url)
    with Client.from_settings(settings) as c:
        yield c


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CampaignStore]:
    """A campaign store in a fresh SQLite file."""
    with CampaignStore(f"sqlite:///{tmp_path / 'campaigns.db'}") as s:
        yield s


@pytest.fixture
def audit(tmp_path: Path) -> Iterator[AuditLog]:
    """An audit log on a fresh SQLite file with its own key and checkpoint."""
    key = LedgerKey(b"k" * 32)
    ledger = Ledger(
        f"sqlite:///{tmp_path / 'audit.db'}",
        key=key,
        checkpoint=tmp_path / "audit.checkpoint.json",
        name=AUDIT_LEDGER,
    )
    with ledger:
        yield AuditLog(ledger)


@pytest.fixture
def ctx(client: Client, store: CampaignStore, audit: AuditLog) -> CampaignContext:
    """Everything a campaign operation needs, acting as ``tester``."""
    return CampaignContext(client=client, store=store, audit=audit, actor="tester")
