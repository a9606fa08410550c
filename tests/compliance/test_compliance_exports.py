"""The public surface is small, sorted and importable."""

from __future__ import annotations

import cxdial.compliance
import cxdial.store


def _check(module: object) -> None:
    names = module.__all__  # type: ignore[attr-defined]
    assert names == sorted(names)
    for name in names:
        assert getattr(module, name) is not None


def test_compliance_all() -> None:
    """``cxdial.compliance.__all__`` is sorted and every name resolves."""
    _check(cxdial.compliance)
    assert {"Contact", "Decision", "DncIndex", "Gate", "Purpose", "RuleSet"} <= set(
        cxdial.compliance.__all__
    )


def test_store_all() -> None:
    """``cxdial.store.__all__`` is sorted and every name resolves."""
    _check(cxdial.store)
    assert {"AttemptLog", "Ledger"} <= set(cxdial.store.__all__)
