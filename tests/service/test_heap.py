"""Settling the heap: later collections walk only what the service made after start.

Freezing is process-wide, so each case runs in a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def _run(code: str) -> dict[str, int]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    return dict(json.loads(done.stdout))


def test_settling_takes_the_long_lived_heap_out_of_later_collections() -> None:
    out = _run(
        "import gc, json\n"
        "import cxdial.service.runtime\n"  # the modules `cxdial serve` runs on
        "from cxdial.service.heap import settle_heap\n"
        "before = len(gc.get_objects())\n"
        "frozen = settle_heap()\n"
        "print(json.dumps({'before': before, 'frozen': frozen,"
        " 'count': gc.get_freeze_count(), 'walked': len(gc.get_objects())}))\n"
    )
    assert out["frozen"] == out["count"]
    assert out["frozen"] > 0.9 * out["before"]
    assert out["walked"] < 0.05 * out["before"]


def test_frozen_objects_are_still_freed_when_their_last_reference_goes() -> None:
    out = _run(
        "import gc, json, weakref\n"
        "from cxdial.service.heap import settle_heap\n"
        "class Box: pass\n"
        "box = Box(); alive = weakref.ref(box)\n"
        "settle_heap()\n"
        "del box\n"
        "print(json.dumps({'freed': int(alive() is None)}))\n"
    )
    assert out["freed"] == 1


def test_the_service_settles_its_heap_only_when_asked(tmp_path: Path) -> None:
    code = (
        "import asyncio, gc, json\n"
        "from cxdial.events.embedded import EmbeddedQueue\n"
        "from cxdial.service import ServiceConfig\n"
        "from cxdial.service.runtime import Service\n"
        "from cxdial.store import make_engine\n"
        "async def main(settle):\n"
        f"    engine = make_engine('sqlite:///{tmp_path}/' + str(settle) + '.db')\n"
        "    service = Service(ServiceConfig(), engine, EmbeddedQueue(engine), ('worker',),"
        " settle_heap=settle)\n"
        "    stop = asyncio.Event()\n"
        "    task = asyncio.create_task(service.serve(stop))\n"
        "    await asyncio.sleep(0.2)\n"
        "    stop.set(); await task\n"
        "    return gc.get_freeze_count()\n"
        "plain = asyncio.run(main(False))\n"
        "settled = asyncio.run(main(True))\n"
        "print(json.dumps({'plain': plain, 'settled': settled}))\n"
    )
    out = _run(code)
    assert out["plain"] == 0
    assert out["settled"] > 10_000
