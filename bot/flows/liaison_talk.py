"""One person's 联络处 conversation in a private chat: ask the questions, read the answers, submit.

The question waiting for the person carries 跳过 (when it may be left empty) and 取消; once the conversation
moves on, those buttons are taken off, so an old button cannot act on a newer question.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from markupsafe import Markup

from bot.flows.liaison import Draft, LiaisonFlow, is_date, office_name, question_text, read, report_sections, skips
from bot.flows.liaison import report_title as title_of
from bot.keyboards.liaison import question_keyboard, review_keyboard
from bot.render import render
from bot.texts import TITLE_SHOWN, quote
from domain.answers import AnswerError
from domain.calendar import SHANGHAI
from domain.directory import Directory
from domain.errors import DomainError
from domain.liaison import InvalidLiaisonText
from domain.supervision import SupervisionRules
from services import liaison as uc
from storage.uow import Database
from zhikong.clock import Clock


@dataclass
class LiaisonTalk:
    bot: Bot
    chat_id: int
    person_id: int
    state: FSMContext
    db: Database
    directory: Directory
    rules: SupervisionRules
    clock: Clock

    def today(self) -> date:
        return self.clock.now().astimezone(SHANGHAI).date()

    async def draft(self) -> Draft | None:
        if await self.state.get_state() not in {s.state for s in LiaisonFlow.__states__}:
            return None
        return Draft.from_data(await self.state.get_data())

    async def _keep(self, draft: Draft) -> None:
        flow = LiaisonFlow.visiting if not draft.is_report else LiaisonFlow.reporting
        if draft.is_report and not draft.pending:
            flow = LiaisonFlow.reviewing
        await self.state.set_state(flow)
        await self.state.update_data(draft.to_data())

    async def _drop(self, draft: Draft) -> None:
        await self._take_buttons(draft)
        await self.state.set_state(None)
        await self.state.update_data({"liaison_draft": None})

    def title(self, draft: Draft) -> str:
        if draft.is_report:
            return title_of(self.directory, draft.office, draft.month_day)
        return _("liaison.visit_title").format(office=office_name(self.directory, draft.office))

    # ---- the conversation ------------------------------------------------------------------------------------
    async def start(self, draft: Draft) -> None:
        """Begin a report or a visit; one in progress here is given up first."""
        old = await self.draft()
        if old is not None:
            await self._take_buttons(old)
        await self.ask(draft)

    async def ask(self, draft: Draft, *, problem: str = "") -> None:
        question = draft.asking
        assert question is not None
        text = render(
            "liaison_question.j2",
            problem=Markup(problem),  # catalog words around input that quote() escaped
            title=self.title(draft),
            number=draft.number,
            total=draft.total,
            question=question_text(question),
            optional=draft.optional,
        )
        await self._show(draft, text, question_keyboard(optional=draft.optional))

    async def answer(self, draft: Draft, text: str) -> None:
        """Read the answer to the question out; then the next question, the review, or the visit recorded."""
        question = draft.asking
        if question is None:
            return
        if skips(question, text):
            await self.skip(draft)
            return
        try:
            value = read(question, text, today=self.today())
        except AnswerError as error:
            await self.ask(draft, problem=self._problem(question, error))
            return
        draft.answered(value)
        await self._next(draft)

    async def skip(self, draft: Draft) -> None:
        """跳过 an optional question; a required one is asked again."""
        if not draft.optional:
            await self.ask(draft, problem=_("liaison.required"))
            return
        draft.answered("")
        await self._next(draft)

    async def _next(self, draft: Draft) -> None:
        if draft.pending:
            await self.ask(draft)
        elif draft.is_report:
            await self.review(draft)
        else:
            await self.record_visit(draft)

    def _problem(self, question: str, error: AnswerError) -> str:
        if is_date(question):
            return _("liaison.bad_date").format(raw=quote(error.params.get("raw", "")))
        return _("liaison.bad_text").format(max_length=error.params.get("max_length", ""))

    async def review(self, draft: Draft) -> None:
        text = render("liaison_review.j2", title=self.title(draft), sections=report_sections(draft.answers))
        await self._show(draft, text, review_keyboard())

    async def restart(self, draft: Draft) -> None:
        fresh = Draft.report(draft.office, draft.month_day)
        fresh.message_id = draft.message_id
        await self.ask(fresh)

    async def cancel(self, draft: Draft) -> None:
        await self._drop(draft)
        await self.bot.send_message(self.chat_id, _("liaison.cancelled"))

    # ---- acting ----------------------------------------------------------------------------------------------
    async def submit(self, draft: Draft) -> None:
        """提交: the report goes to the 联系县领导; a refusal ends the draft and is told (by the error handler)."""
        try:
            await uc.submit_report(
                self.db,
                self.directory,
                self.rules,
                person_id=self.person_id,
                office=draft.office,
                month=draft.month_day,
                answers=draft.answers,
                now=self.clock.now(),
            )
        except InvalidLiaisonText as error:
            # An answer the domain refuses is asked again (it reads them like the conversation, so rarely).
            question = str(error.params.get("question", ""))
            draft.pending = [question]
            await self.ask(draft, problem=_("liaison.bad_text").format(max_length=error.params.get("max_length")))
            return
        except DomainError:
            await self._drop(draft)
            raise
        await self._drop(draft)
        await self.bot.send_message(
            self.chat_id, _("liaison.submitted").format(title=quote(self.title(draft), TITLE_SHOWN))
        )

    async def record_visit(self, draft: Draft) -> None:
        try:
            visit = await uc.record_visit(
                self.db,
                self.directory,
                person_id=self.person_id,
                office=draft.office,
                visited_on=date.fromisoformat(draft.answers["visited_on"]),
                whom=draft.answers["whom"],
                outcome=draft.answers["outcome"],
                report_id=draft.report_id or None,
                now=self.clock.now(),
            )
        except DomainError:
            await self._drop(draft)
            raise
        await self._drop(draft)
        await self.bot.send_message(self.chat_id, _("liaison.visit_recorded").format(day=visit.visited_on.isoformat()))

    # ---- messages --------------------------------------------------------------------------------------------
    async def _show(self, draft: Draft, text: str, markup: InlineKeyboardMarkup) -> None:
        """Send the next question (or the review) with its buttons; the previous one's buttons go."""
        await self._take_buttons(draft)
        message = await self.bot.send_message(self.chat_id, text, reply_markup=markup)
        draft.message_id = message.message_id
        await self._keep(draft)

    async def _take_buttons(self, draft: Draft) -> None:
        if not draft.message_id:
            return
        # Already without buttons, deleted or too old to edit: the conversation goes on regardless.
        with contextlib.suppress(TelegramBadRequest):
            await self.bot.edit_message_reply_markup(chat_id=self.chat_id, message_id=draft.message_id)
