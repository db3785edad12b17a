"""Bring a database to the current schema and the current directory, as `zhikong migrate` and start-up do."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

from domain.directory import Directory, load_directory
from domain.scoring import ScoringRules, load_default_scoring_rules, parse_scoring_rules
from domain.supervision import SupervisionRules, load_default_supervision_rules, parse_supervision_rules
from storage import migrate
from storage.engine import create_engine
from storage.uow import Database
from zhikong.settings import Settings


def read_directory(path: Path | None = None) -> Directory:
    """The directory from `path`, or the packaged data file when none is given."""
    text = path.read_text("utf-8") if path else (files("zhikong.data") / "directory.toml").read_text("utf-8")
    return load_directory(tomllib.loads(text))


def read_scoring_rules(path: Path | None = None) -> ScoringRules:
    """The scoring rules from `path`, or the packaged scoring.toml when none is given."""
    return parse_scoring_rules(path.read_text("utf-8")) if path else load_default_scoring_rules()


def read_supervision_rules(path: Path | None = None) -> SupervisionRules:
    """The supervision rules from `path`, or the packaged supervision.toml when none is given."""
    return parse_supervision_rules(path.read_text("utf-8")) if path else load_default_supervision_rules()


def usd_rate() -> Decimal:
    """The 美元 → 元 rate the county counts investment with (USD_CNY_RATE), the same for the 通报, the plans
    and the assessment."""
    return Settings().usd_cny_rate


async def open_database(url: str, directory: Directory) -> Database:
    """Migrate the database to the newest schema, load the directory into it, and return it ready for use."""
    engine = create_engine(url)
    await migrate.upgrade(engine)
    db = Database(engine)
    async with db.uow() as uow:
        await uow.units.sync(directory)
        await uow.commit()
    return db
