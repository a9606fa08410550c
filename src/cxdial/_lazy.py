"""Lazy package exports (PEP 562): a name loads its home module on first use.

A package lists where each public name lives and binds the two hooks this builds::

    __getattr__, __dir__ = lazy_exports(__name__, {"Ledger": "ledger", ...})

so ``import cxdial.store`` stays cheap until ``cxdial.store.Ledger`` is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, homes: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` for ``package``, whose names live in ``homes``.

    ``homes`` maps each public name to the module that defines it, relative to
    ``package``: ``"ledger"`` is ``package.ledger``, ``"..errors"`` a sibling package's.
    ``__dir__`` lists those names, sorted; an unknown name raises
    :class:`AttributeError`, as a plain module would.
    """
    table = dict(homes)
    names = sorted(table)

    def module_getattr(name: str) -> object:
        home = table.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        relative = home if home.startswith(".") else f".{home}"
        return getattr(importlib.import_module(relative, package), name)

    def module_dir() -> list[str]:
        return list(names)

    return module_getattr, module_dir
