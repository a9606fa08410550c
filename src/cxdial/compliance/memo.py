"""A bounded memo owned by the object that uses it (never a module-level cache)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar, cast

__all__ = ["Memo"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_MISSING: Any = object()


class Memo(Generic[K, V]):
    """Values by key, emptied when ``size`` is reached (the live keys soon refill it)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: dict[K, V] = {}

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value for ``key``, made (and kept) on first use."""
        found = self._values.get(key, _MISSING)
        if found is _MISSING:
            if len(self._values) >= self.size:
                self._values.clear()
            found = self._values[key] = make()
        return cast(V, found)
