"""The bot's routers, in the order the dispatcher tries them."""

from __future__ import annotations

from aiogram import Router

from bot.handlers import (
    approvals,
    bulletins,
    calendar_days,
    case,
    deadlines,
    errors,
    fallback,
    form,
    groups,
    invites,
    language,
    liaison,
    moves,
    outbox,
    overview,
    progress,
    start,
    targets,
    tasks,
)


def routers() -> list[Router]:
    """Feature routers first; `fallback` answers only what none of them took, so it comes last."""
    # `invites` before `start`: it takes /start with an invite code, `start` the plain /start.
    return [
        errors.router(),
        invites.router(),
        start.router(),
        language.router(),
        approvals.router(),
        case.router(),
        moves.router(),
        overview.router(),
        groups.router(),
        form.router(),
        progress.router(),
        deadlines.router(),
        tasks.router(),
        bulletins.router(),
        targets.router(),
        liaison.router(),
        calendar_days.router(),
        outbox.router(),
        fallback.router(),
    ]
