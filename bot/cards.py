"""The pinned project card in each 联络群: posted and pinned once, then edited in place as the project moves.

A reconciler: it looks for cards that are missing or older than their project, or whose deadline colour the
deadlines reconciler found changed with time, and brings them up to date, so a missed or doubled run does no harm
and a bot that was down catches up.
"""

from __future__ import annotations

import functools
import hashlib
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.utils.i18n import I18n

from bot.render import render
from bot.texts import role_label
from domain.calendar import WorkCalendar
from domain.directory import Directory
from domain.project import Project
from domain.step_deadlines import CardSignal
from domain.supervision import SupervisionRules, load_default_supervision_rules
from services.calendar import work_calendar
from services.deadlines import card_signals
from storage.uow import Database
from zhikong.clock import Clock

log = logging.getLogger(__name__)


def card_text(
    project: Project, directory: Directory, clock: Clock, signal: CardSignal | None = None, *, stamped: bool = True
) -> str:
    """The card as people in the group read it now; with `signal`, its deadline colour and nearest due date;
    `stamped` False leaves out the line that says when it was updated."""
    step = project.open_step()
    waiting = project.is_waiting_on()
    route = " → ".join(f"{s.actor.value} {s.action.value}" for s in project.current_steps())
    return render(
        "project_card.j2",
        project=project,
        landing_unit=directory.unit(project.landing_unit).name,
        step=step,
        waiting_on=role_label(waiting, directory) if waiting else "",
        since=step.opened_at if step and step.opened_at else project.stage_since,
        signal=signal,
        route=route,
        now=clock.now() if stamped else None,
    )


def card_digest(project: Project, directory: Directory, clock: Clock, signal: CardSignal | None) -> str:
    """What the card says, as a digest: its "updated" line left out, so only a change of content changes it."""
    text = card_text(project, directory, clock, signal, stamped=False)
    return hashlib.sha256(text.encode()).hexdigest()


@functools.cache
def _packaged_rules() -> SupervisionRules:
    return load_default_supervision_rules()


class CardKeeper:
    def __init__(
        self,
        bot: Bot,
        db: Database,
        directory: Directory,
        clock: Clock,
        i18n: I18n,
        rules: SupervisionRules | None = None,
    ) -> None:
        self._bot, self._db, self._directory, self._clock, self._i18n = bot, db, directory, clock, i18n
        self._rules = rules or _packaged_rules()

    async def refresh_due(self) -> int:
        """Post or update every card that is missing or stale; returns how many changed."""
        async with self._db.uow(read_only=True) as uow:
            due = await uow.cards.due()
        if not due:
            return 0
        calendar = await work_calendar(self._db)
        changed = 0
        for project_id in due:
            try:
                changed += await self._refresh(project_id, calendar)
            except TelegramRetryAfter as pause:
                log.info("card refresh paused for %s s by Telegram", pause.retry_after)
                break
        return changed

    async def _refresh(self, project_id: int, calendar: WorkCalendar) -> int:
        now = self._clock.now()
        async with self._db.uow(read_only=True) as uow:
            project = await uow.projects.get(project_id)
            message_id, _shown = await uow.cards.card(project_id)
            shown_digest = await uow.cards.digest(project_id)
            signal = (await card_signals(uow, [project], self._rules, calendar, now))[project_id]
        chat_id = project.group_chat_id
        assert chat_id is not None
        with self._i18n.context(), self._i18n.use_locale(self._i18n.default_locale):
            text = card_text(project, self._directory, self._clock, signal)
            digest = card_digest(project, self._directory, self._clock, signal)
        if message_id is not None and digest == shown_digest:
            # The project moved (a form answer) but nothing the card shows did: an edit would only earn
            # "message is not modified" and use up the group's flood allowance.
            await self._shown(project_id, message_id, project.version, signal.stamp, digest)
            return 0
        try:
            if message_id is not None:
                try:
                    await self._bot.edit_message_text(text=text, chat_id=chat_id, message_id=message_id)
                except TelegramBadRequest as error:
                    if "not modified" not in error.message:
                        if "not found" not in error.message:
                            raise
                        message_id = None  # someone deleted the card: post a new one
            if message_id is None:
                message = await self._bot.send_message(chat_id, text)
                message_id = message.message_id
                await self._pin(chat_id, message_id)
        except (TelegramForbiddenError, TelegramBadRequest) as error:
            log.warning("cannot show the card of project %s in chat %s: %s", project_id, chat_id, error.message)
            return 0
        await self._shown(project_id, message_id, project.version, signal.stamp, digest)
        return 1

    async def _shown(self, project_id: int, message_id: int, version: int, signal: str, digest: str) -> None:
        async with self._db.uow() as uow:
            await uow.cards.shown(project_id, message_id=message_id, version=version, signal=signal, digest=digest)
            await uow.commit()

    async def _pin(self, chat_id: int, message_id: int) -> None:
        try:
            await self._bot.pin_chat_message(chat_id, message_id, disable_notification=True)
        except TelegramBadRequest as error:  # the bot may lack the right to pin; the card still stands
            log.info("could not pin the card in %s: %s", chat_id, error.message)
