"""Fixtures of the service tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from service_support import Crm, Running, postgres_url, run_crm, run_service


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    """A receiver + worker service on a real loopback port."""
    yield from run_service(tmp_path)


@pytest.fixture
def crm() -> Iterator[Crm]:
    """A CRM webhook endpoint on a real loopback port."""
    yield from run_crm()


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store for the service and the CLI: a SQLite file or a throw-away PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'svc.db'}"
        return
    yield from postgres_url()
