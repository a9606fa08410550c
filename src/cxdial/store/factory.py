"""Open the ledger the way the CLI does: key and checkpoint from the environment or defaults."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from cxdial.store.keys import load_ledger_key
from cxdial.store.ledger import Ledger
from cxdial.store.paths import default_checkpoint_path

__all__ = ["CHECKPOINT_ENV", "open_ledger"]

CHECKPOINT_ENV = "CXDIAL_LEDGER_CHECKPOINT"


def open_ledger(
    database_url: str,
    *,
    environ: Mapping[str, str],
    key_file: Path | None = None,
    checkpoint: Path | None = None,
    name: str = "default",
    create_key: bool = True,
) -> Ledger:
    """A :class:`Ledger` on ``database_url`` signed with the resolved key.

    The key comes from ``CXDIAL_LEDGER_KEY``, else ``key_file`` / ``CXDIAL_LEDGER_KEY_FILE``
    / the user config dir; the checkpoint file is ``checkpoint``, else
    ``CXDIAL_LEDGER_CHECKPOINT``, else :func:`default_checkpoint_path`. ``environ`` is passed
    in (usually ``os.environ``): the store reads no settings of its own. Readers pass
    ``create_key=False`` so that a missing key is an error rather than a new key.
    """
    key = load_ledger_key(environ, key_file, create=create_key)
    if checkpoint is None:
        named = environ.get(CHECKPOINT_ENV)
        checkpoint = Path(named) if named else default_checkpoint_path(database_url, name)
    return Ledger(database_url, key=key, checkpoint=checkpoint, name=name)
