"""The store package's lazy exports (:func:`cxdial._lazy.lazy_exports`)."""

from __future__ import annotations

import pytest

import cxdial.store
from cxdial._lazy import lazy_exports


def test_dir_lists_the_public_names_sorted() -> None:
    """``dir(cxdial.store)`` is exactly its sorted ``__all__``."""
    assert dir(cxdial.store) == sorted(cxdial.store.__all__)


def test_a_name_resolves_to_its_home_module_object() -> None:
    """``cxdial.store.Ledger`` is the class defined in ``cxdial.store.ledger``."""
    from cxdial.store.ledger import Ledger

    assert cxdial.store.Ledger is Ledger


def test_an_unknown_name_raises_attribute_error_naming_the_package() -> None:
    """A name the package does not export raises AttributeError, as a plain module would."""
    with pytest.raises(AttributeError, match=r"module 'cxdial\.store' has no attribute 'Nope'"):
        _ = cxdial.store.Nope


def test_lazy_exports_reads_the_map_once() -> None:
    """Changing the map after building the hooks does not change what they serve."""
    homes = {"Ledger": "ledger"}
    getattr_, dir_ = lazy_exports("cxdial.store", homes)
    homes["Other"] = "ledger"
    assert dir_() == ["Ledger"]
    with pytest.raises(AttributeError):
        getattr_("Other")
