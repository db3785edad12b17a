"""The supervision pass: every reconciler that keeps time, run in order by the scheduler and at start-up.

Each reconciler looks at the database as it is now and does what is due and not yet done (a prompt, a
reminder, a warning, a 通报...), recording what it did in the same transaction, so a missed tick is caught
up by the next one and a doubled tick does nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from domain.directory import Directory
from domain.scoring import ScoringRules
from domain.supervision import SupervisionRules
from storage.uow import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Supervision:
    """What every reconciler needs besides the time."""

    db: Database
    directory: Directory
    rules: SupervisionRules
    scoring: ScoringRules


Reconciler = Callable[[Supervision, datetime], Awaitable[int]]


def reconcilers() -> list[tuple[str, Reconciler]]:
    """The reconcilers in the order a pass runs them: the monthly update first (on its prompt day it records the
    missing updates the 通报 counts, and the card colours read its deadlines), the 通报 last."""
    # Imported here: each feature's module imports `Supervision` from this one.
    from services.bulletins import reconcile_bulletins
    from services.deadlines import reconcile_step_deadlines
    from services.liaison import reconcile_liaison
    from services.progress import reconcile_progress
    from services.tasks import reconcile_task_items

    return [
        ("progress", reconcile_progress),
        ("step_deadlines", reconcile_step_deadlines),
        ("task_items", reconcile_task_items),
        ("liaison", reconcile_liaison),
        ("bulletins", reconcile_bulletins),
    ]


async def supervise(supervision: Supervision, now: datetime) -> dict[str, int]:
    """Run every reconciler once for `now`; returns how much each did. One that breaks does not stop the rest:
    it is logged and tried again on the next pass."""
    done: dict[str, int] = {}
    for name, reconcile in reconcilers():
        try:
            done[name] = await reconcile(supervision, now)
        except Exception:
            log.exception("the %s reconciler broke off; the next pass tries again", name)
            done[name] = 0
    return done
