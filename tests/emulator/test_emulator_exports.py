"""The emulator package's public surface."""

from __future__ import annotations

import cxdial.emulator
import cxdial.emulator.testing


def test_public_names_are_sorted_and_importable() -> None:
    """Each ``__all__`` is sorted and every name in it exists."""
    for module in (cxdial.emulator, cxdial.emulator.testing):
        names = list(module.__all__)
        assert names == sorted(names)
        assert all(hasattr(module, name) for name in names)
    assert cxdial.emulator.__all__ == [
        "EmulatorConfig",
        "FaultSpec",
        "FaultSpecError",
        "create_app",
    ]
