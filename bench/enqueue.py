"""One group commit of the embedded queue: CPU and wall per commit, beside an ORM baseline.

``enqueue_rows`` (Core statements built once, one connection transaction) against the same
insert and counter bump through an ORM session, in one process, on one SQLite WAL file
(``synchronous=FULL``: one fsync per commit). The receiver's writer thread holds the GIL
for the CPU part, so it is what competes with the event loop answering pushes. Run:
``.venv/bin/python bench/enqueue.py [--commits 2000] [--bodies 5]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import insert, update

from cxdial.store import make_engine
from cxdial.store import queue as sql
from cxdial.store.db import session_scope
from cxdial.store.event_tables import EventCounter


def main() -> None:
    """Time both paths in alternating rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--bodies", type=int, default=5, help="bodies per commit")
    args = parser.parse_args()
    body = '{"type":"call.completed","contact_id":1,"phone":"+15551230001","x":"' + "y" * 200
    bodies = [body + '"}'] * args.bodies
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'q.db'}")
        sql.create_queue_schema(engine)

        def core() -> None:
            sql.enqueue_rows(engine, bodies, time.time())

        def orm() -> None:  # the path enqueue_rows took before: an ORM session per commit
            now = time.time()
            with session_scope(engine) as session:
                session.execute(
                    insert(sql.QueueRow),
                    [
                        {
                            "body": b,
                            "state": "ready",
                            "attempts": 0,
                            "available_at": now,
                            "enqueued_at": now,
                        }
                        for b in bodies
                    ],
                )
                session.execute(
                    update(EventCounter)
                    .where(EventCounter.name == "received")
                    .values(value=EventCounter.value + len(bodies))
                )

        laps: dict[str, list[tuple[float, float]]] = {"enqueue_rows": [], "ORM session": []}
        runs: dict[str, Callable[[], None]] = {"enqueue_rows": core, "ORM session": orm}
        per_round = max(args.commits // 4, 1)
        for _ in range(4):  # alternating rounds: machine noise hits both alike
            for name, fn in runs.items():
                for _ in range(20):
                    fn()
                cpu, wall = time.process_time(), time.perf_counter()
                for _ in range(per_round):
                    fn()
                laps[name].append(
                    (
                        (time.process_time() - cpu) / per_round * 1e6,
                        (time.perf_counter() - wall) / per_round * 1e6,
                    )
                )
        engine.dispose()
    table = Table(title=f"one commit of {args.bodies} bodies (best of 4 rounds)")
    for col in ("path", "CPU µs", "wall µs", "CPU ratio"):
        table.add_column(col, justify="right")
    base = min(laps["ORM session"])[0]
    for name, values in laps.items():
        cpu, wall = min(values)[0], min(v[1] for v in values)
        table.add_row(name, f"{cpu:,.0f}", f"{wall:,.0f}", f"{cpu / base:.2f}")
    Console().print(table)


if __name__ == "__main__":
    main()
