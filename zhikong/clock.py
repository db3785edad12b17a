"""The one clock the application reads; the sandbox and the tests move it, production never does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class MovableClock:
    """Runs with the wall clock from an offset that `move_to` sets, so time passes normally after a jump."""

    def __init__(self) -> None:
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def move_to(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError(f"Cannot move the clock to naive {instant.isoformat()}: give an offset.")
        self._offset = instant - datetime.now(UTC)
