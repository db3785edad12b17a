"""Tables and repository of monthly progress updates (issue 5 item 1)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession


class ProgressRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def open_deadlines(self, project_ids: Collection[int]) -> dict[int, date]:
        """For each of `project_ids` with a monthly update asked for and not yet given: its due date."""
        return {}

    async def funds_by_project(self, year: int, through_month: int) -> dict[int, Decimal]:
        """到位资金 (元) each project reported in `year`, months 1..`through_month`, summed."""
        return {}
