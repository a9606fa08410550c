"""Fixtures of the service tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from service_support import Crm, Running, run_crm, run_service


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    """A receiver + worker service on a real loopback port."""
    yield from run_service(tmp_path)


@pytest.fixture
def crm() -> Iterator[Crm]:
    """A CRM webhook endpoint on a real loopback port."""
    yield from run_crm()
