"""The public surface of cxdial.cxone is small, sorted and deliberate."""

from __future__ import annotations

import cxdial.cxone
import cxdial.cxone.models
import cxdial.cxone.resources


def test_cxone_all_is_the_curated_surface() -> None:
    """cxdial.cxone exports exactly these names, sorted, and each exists."""
    expected = [
        "CONTEXT_FIELD",
        "APIRequest",
        "APIResponse",
        "AmbiguousWrite",
        "AsyncClient",
        "AuthInfo",
        "Client",
        "FakeClock",
        "no_sleep",
    ]
    assert cxdial.cxone.__all__ == expected
    assert all(hasattr(cxdial.cxone, name) for name in expected)


def test_subpackage_exports_are_sorted_and_resolve() -> None:
    """models and resources export sorted names that all resolve."""
    for module in (cxdial.cxone.models, cxdial.cxone.resources):
        names = list(module.__all__)
        assert names == sorted(names, key=lambda n: (not n.isupper(), n))
        assert all(hasattr(module, name) for name in names)
