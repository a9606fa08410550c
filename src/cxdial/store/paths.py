"""Where the store keeps its files by default: under the user's data, state and config dirs.

Nothing here depends on the working directory, so a caller's history (and its frequency
caps) is the same wherever a command runs. Every function takes an explicit override first.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir, user_state_dir

__all__ = [
    "APP_NAME",
    "default_checkpoint_path",
    "default_database_url",
    "default_key_path",
]

APP_NAME = "cxdial"


def default_database_url() -> str:
    """``sqlite:///<user data dir>/cxdial.db`` (e.g. ``~/.local/share/cxdial/cxdial.db``)."""
    return f"sqlite:///{Path(user_data_dir(APP_NAME)) / 'cxdial.db'}"


def default_key_path() -> Path:
    """The ledger key file: ``<user config dir>/ledger.key`` (mode 0600, made on first use)."""
    return Path(user_config_dir(APP_NAME)) / "ledger.key"


def default_checkpoint_path(database_url: str, ledger: str = "default") -> Path:
    """The signed checkpoint of one ledger, outside the database, in the user state dir.

    One file per database and ledger name (``~/.local/state/cxdial/checkpoints/<id>.json``);
    the id hashes the URL without its password, so rotating a password keeps the file.
    """
    from sqlalchemy.engine import make_url

    url = make_url(database_url).render_as_string(hide_password=True)
    ident = hashlib.sha256(f"{url}#{ledger}".encode()).hexdigest()[:20]
    return Path(user_state_dir(APP_NAME)) / "checkpoints" / f"{ident}.json"
