"""What the tap stories need: a picture of every table to compare before and after, and a press that must be
answered and must change nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, select
from sqlalchemy.engine import Connection

from sandbox.scenario import MessageView, Person
from storage.uow import Database
from tests.bot.conftest import World

# One row per update handled, by design (the once-per-update guard): not something a tap may or may not change.
BOOKKEEPING = frozenset({"processed_updates"})

Snapshot = dict[str, list[tuple[Any, ...]]]


def _tables(connection: Connection) -> MetaData:
    metadata = MetaData()
    metadata.reflect(connection)
    return metadata


def _read_all(connection: Connection, metadata: MetaData) -> Snapshot:
    picture: Snapshot = {}
    for name, table in sorted(metadata.tables.items()):
        if name in BOOKKEEPING:
            continue
        rows = connection.execute(select(table)).all()
        picture[name] = sorted((tuple(row) for row in rows), key=repr)
    return picture


# The tables as the database has them (migrations made them), read once per database: reflecting is slow.
_REFLECTED: dict[int, tuple[Database, MetaData]] = {}


async def snapshot(db: Database) -> Snapshot:
    """Every row of every table (audit, outbox and conversation state included), in a stable order."""
    async with db.engine.connect() as connection:
        if id(db) not in _REFLECTED:
            _REFLECTED[id(db)] = (db, await connection.run_sync(_tables))
        metadata = _REFLECTED[id(db)][1]
        return await connection.run_sync(_read_all, metadata)


def changes(before: Snapshot, after: Snapshot) -> dict[str, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Per table, the rows gone and the rows new (a changed row is both); empty when nothing changed."""
    found = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name, []), after.get(name, [])
        gone, came = [r for r in old if r not in new], [r for r in new if r not in old]
        if gone or came:
            found[name] = (gone, came)
    return found


def carried(message: MessageView) -> set[str]:
    """The callback data of every button on the message as it stands."""
    return {str(b.get("callback_data")) for row in message.model.inline_keyboard for b in row if b.get("callback_data")}


async def refused(world: World, person: Person, message: MessageView, data: str) -> str:
    """`person` presses `data` on `message`: the press is answered and no row changes. Gives the answer's text."""
    before = await snapshot(world.app.db)
    pressed = await person.taps_forged(message, data)
    answer = world.telegram.answer_to(pressed)
    assert answer.answered, f"{data!r} pressed by {person.name} was never answered"
    assert changes(before, await snapshot(world.app.db)) == {}, f"{data!r} pressed by {person.name} changed rows"
    return answer.text or ""
