"""What every resource shares: the sync/async call helpers and pagination by iteration."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlsplit

from cxdial.cxone.http import AsyncHTTP, SyncHTTP
from cxdial.cxone.request import APIRequest

__all__ = [
    "AsyncResource",
    "Page",
    "Pager",
    "SyncResource",
    "iterate",
    "iterate_async",
    "parse_none",
]

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741 - the conventional name of an item type


def parse_none(_: Any) -> None:
    """The parser of calls whose answer carries nothing (202/204, empty bodies)."""
    return None


class SyncResource:
    """Base of the blocking resources: one call = one logical request through the policy."""

    def __init__(self, http: SyncHTTP) -> None:
        self._http = http

    def _call(self, request: APIRequest[T]) -> T:
        return self._http.send(request).parsed


class AsyncResource:
    """Base of the asyncio resources."""

    def __init__(self, http: AsyncHTTP) -> None:
        self._http = http

    async def _call(self, request: APIRequest[T]) -> T:
        return (await self._http.send(request)).parsed


@dataclass(frozen=True)
class Page(Generic[I]):
    """One page: its items and CXone's ``_links.next`` when it sent one."""

    items: list[I]
    next_link: str | None = None


@dataclass(frozen=True)
class Pager(Generic[I]):
    """I/O-free paging over ``top``/``skip`` that prefers ``_links.next`` when present."""

    path: str
    params: dict[str, Any]
    extract: Callable[[Any], Page[I]]
    page_size: int = 100

    def first(self) -> APIRequest[Page[I]]:
        """The request for the first page (filters left as ``None`` are not sent)."""
        params = {k: v for k, v in self.params.items() if v is not None}
        params.update(top=self.page_size, skip=0)
        return APIRequest("GET", self.path, parse=self.extract, params=params)

    def after(self, request: APIRequest[Page[I]], page: Page[I]) -> APIRequest[Page[I]] | None:
        """The request for the page after ``page``, or None at the end.

        An empty page (CXone's 204, or a 200 with no items) always ends the paging, even
        when it carries a ``_links.next``.
        """
        if not page.items:
            return None
        if page.next_link:
            link = urlsplit(page.next_link)
            linked: dict[str, Any] = dict(parse_qsl(link.query))
            if link.path == request.path and linked == {
                k: str(v) for k, v in (request.params or {}).items()
            }:
                return None  # a self-referencing link would loop forever
            return replace(request, path=link.path, params=linked)
        if len(page.items) < self.page_size:
            return None
        params: dict[str, Any] = dict(request.params or {})
        params["skip"] = int(params.get("skip", 0)) + self.page_size
        return replace(request, params=params)


def iterate(http: SyncHTTP, pager: Pager[I]) -> Iterator[I]:
    """Every item of every page, fetching pages as the caller iterates."""
    request: APIRequest[Page[I]] | None = pager.first()
    while request is not None:
        page = http.send(request).parsed
        yield from page.items
        request = pager.after(request, page)


async def iterate_async(http: AsyncHTTP, pager: Pager[I]) -> AsyncIterator[I]:
    """Every item of every page, for ``async for``."""
    request: APIRequest[Page[I]] | None = pager.first()
    while request is not None:
        page = (await http.send(request)).parsed
        for item in page.items:
            yield item
        request = pager.after(request, page)
