"""Tables and repository of 通报 and 赛拼 with their files (issue 5 item 4)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class BulletinRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
