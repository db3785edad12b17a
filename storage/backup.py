"""A consistent copy of the SQLite database, safe to take while the bot is running."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


def backup_sqlite(database_url: str, target: Path) -> Path:
    """Copy the database behind `database_url` to `target` with SQLite's online backup; returns the target."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise ValueError("zhikong backup copies SQLite databases; back up PostgreSQL with pg_dump.")
    source_path = Path(url.database)
    if not source_path.exists():
        raise FileNotFoundError(f"There is no database at {source_path} yet.")
    if target.exists():
        raise FileExistsError(f"{target} already exists; choose a new name so no backup is overwritten.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_path)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    return target
