"""Tables and repository of 交办单 and their items (issue 5 item 3)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class TaskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
