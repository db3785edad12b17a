"""Tables and repository of monthly progress updates (issue 5 item 1)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class ProgressRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
