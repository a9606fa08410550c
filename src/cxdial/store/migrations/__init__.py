"""The store's alembic migrations (``env.py``, ``versions/``), shipped inside the package.

:func:`store_metadata` gathers the tables every ``cxdial.store`` module declares: the
target the migrations must build, which autogenerate compares against. Run the migrations
with :mod:`cxdial.store.schema` or ``cxdial db upgrade``; no ``alembic.ini`` is needed.
"""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from cxdial.errors import ConfigurationError

__all__ = ["store_metadata"]


def store_metadata() -> list[MetaData]:
    """The metadata of every declarative base (and bare ``MetaData``) in ``cxdial.store``.

    Every module of the package is imported, so a table cannot be left out by forgetting
    to list its module; two metadata declaring the same table name are an error.
    """
    store = importlib.import_module("cxdial.store")
    found: dict[int, MetaData] = {}
    for info in sorted(pkgutil.iter_modules(store.__path__), key=lambda m: m.name):
        if info.ispkg:
            continue
        module = importlib.import_module(f"cxdial.store.{info.name}")
        for value in vars(module).values():
            if isinstance(value, MetaData):
                found.setdefault(id(value), value)
            elif (
                isinstance(value, type)
                and issubclass(value, DeclarativeBase)
                and DeclarativeBase in value.__bases__
            ):
                found.setdefault(id(value.metadata), value.metadata)
    metadata = list(found.values())
    names = [name for meta in metadata for name in meta.tables]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ConfigurationError(
            f"tables declared in two metadata: {', '.join(twice)}",
            field="tables",
            fix="declare each table once, on one declarative base in cxdial.store",
        )
    return metadata
