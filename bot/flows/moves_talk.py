"""One person's move in progress in one chat: ask what it needs, read the answers, make the move.

In a group every question mentions the person and asks with a selective ForceReply, and only their reply to it
counts (the handlers check that). While a question is out, the tapped message's buttons become 直接提交 (when
the question may be left unanswered) and 取消; when the move is made, the tapped message shows what became of
it, and a cancelled move gives the buttons back.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import ForceReply, InlineKeyboardMarkup, Message, ReplyParameters, User
from aiogram.utils.i18n import gettext as _
from markupsafe import Markup

from bot.flows.moves import DRAFT_KEY, OPTIONAL, Ask, Draft, MoveFlow, is_date, read, skips
from bot.flows.moves_make import make_move
from bot.keyboards.moves import decision_keyboard, draft_keyboard, members_keyboard, moves_keyboard
from bot.render import render
from bot.step_texts import decided_text
from bot.texts import TITLE_SHOWN, quote, role_label
from domain.answers import AnswerError
from domain.calendar import SHANGHAI
from domain.directory import Directory, UnitKind
from domain.errors import DomainError
from domain.form import InvalidValue
from domain.lifecycle import Move, Party
from domain.project import Principal, Project, StepClosed
from services import projects as uc
from storage.uow import Database
from zhikong.clock import Clock


def offered_moves(project: Project, principal: Principal) -> list[Move]:
    """The moves this person gets buttons for here: the domain's `moves_for`, less the 论证 of a landing unit's
    cadre, whose /form conversation records it on the way to 上报 (one place for it, not two)."""
    moves = project.moves_for(principal)
    if Party.LANDING_UNIT in project.parties_of(principal):
        moves = [m for m in moves if m is not Move.RECORD_ARGUMENTATION]
    return moves


@dataclass
class MoveTalk:
    """The move in progress of `user` in chat `chat_id`, with what it needs to act for them."""

    bot: Bot
    chat_id: int
    in_group: bool
    user: User
    principal: Principal
    state: FSMContext
    db: Database
    directory: Directory
    clock: Clock

    # ---- the draft -------------------------------------------------------------------------------------------
    async def draft(self) -> Draft | None:
        """The move in progress here, if the person is in the middle of one."""
        if await self.state.get_state() not in (MoveFlow.answering.state, MoveFlow.picking.state):
            return None
        return Draft.from_data(await self.state.get_data())

    async def is_started(
        self, move: Move, *, origin: int, project_id: int = 0, step_id: int = 0, choice: str = ""
    ) -> bool:
        """The same button pressed again: this move is in progress here already, started from that message."""
        draft = await self.draft()
        if draft is None or (draft.move, draft.origin_id, draft.choice) != (move, origin, choice):
            return False
        return draft.step_id == step_id if move is Move.DECIDE_STEP else draft.project_id == project_id

    async def _keep(self, flow: State, draft: Draft) -> None:
        await self.state.set_state(flow)
        await self.state.update_data(draft.to_data())

    async def _drop(self) -> None:
        await self.state.set_state(None)
        await self.state.update_data({DRAFT_KEY: None})

    def today(self) -> date:
        return self.clock.now().astimezone(SHANGHAI).date()

    # ---- starting --------------------------------------------------------------------------------------------
    async def start(self, draft: Draft) -> None:
        """Begin a tapped move; one still in progress here is abandoned (its buttons come back) first."""
        old = await self.draft()
        if old is not None:
            await self._restore(old)
            await self._drop()
        if draft.move is Move.FORM_TASK_FORCE:
            await self._pick(draft)
        elif draft.pending:
            await self.ask(draft)
        else:
            await self.perform(draft)

    async def ask(self, draft: Draft, *, problem: str = "", reply_to: int | None = None) -> None:
        """Send the current question (after what was wrong with the last answer, if anything)."""
        ask = draft.asking
        assert ask is not None
        optional = ask in OPTIONAL
        text = render(
            "moves_question.j2",
            problem=Markup(problem),  # catalog words around input that quote() escaped
            mention=self.user.mention_html() if self.in_group else "",
            title=draft.title,
            question=_("moves.ask." + ask.value),
            hint=_("moves.hint.date") if is_date(ask) else "",
            optional=optional,
            in_group=self.in_group,
        )
        placeholder = _("moves.placeholder." + ask.value)
        message = await self._send(text, ForceReply(selective=True, input_field_placeholder=placeholder), reply_to)
        draft.question_id = message.message_id
        await self._origin_markup(draft, draft_keyboard(optional=optional))
        await self._keep(MoveFlow.answering, draft)

    async def _pick(self, draft: Draft) -> None:
        project = await uc.get_project(self.db, draft.project_id)
        automatic = [project.landing_unit, project.joint_reviewer]
        text = render(
            "moves_members.j2",
            mention=self.user.mention_html() if self.in_group else "",
            title=draft.title,
            leader=role_label(project.deputy, self.directory),
            automatic=_("moves.separator").join(self.directory.unit(u).name for u in automatic),
        )
        message = await self._send(text, members_keyboard(self._departments(project), draft.members), None)
        draft.question_id = message.message_id
        await self._origin_markup(draft, None)
        await self._keep(MoveFlow.picking, draft)

    def _departments(self, project: Project) -> list[tuple[str, str]]:
        """Departments the office may add to the 专班; the 联审 department is in it already."""
        return [
            (unit.code, unit.name)
            for unit in self.directory.of_kind(UnitKind.DEPARTMENT)
            if unit.code not in (project.joint_reviewer, self.directory.office_unit, self.directory.supervision_unit)
        ]

    async def toggle(self, draft: Draft, unit: str) -> bool:
        """Add or remove a department of the 专班; False for a unit that is not offered."""
        project = await uc.get_project(self.db, draft.project_id)
        departments = self._departments(project)
        if unit not in {code for code, _name in departments}:
            return False
        draft.members = [u for u in draft.members if u != unit] if unit in draft.members else [*draft.members, unit]
        await self._keep(MoveFlow.picking, draft)
        await self._edit_markup(draft.question_id, members_keyboard(departments, draft.members))
        return True

    # ---- answers ---------------------------------------------------------------------------------------------
    async def answer(self, draft: Draft, text: str, *, reply_to: int | None = None) -> None:
        """Read an answer to the question out; then the next question, or the move itself."""
        ask = draft.asking
        assert ask is not None
        if skips(ask, text):
            await self.skip(draft, reply_to=reply_to)
            return
        try:
            value = read(ask, text, today=self.today())
        except AnswerError as error:
            await self.ask(draft, problem=self._problem(ask, error), reply_to=reply_to)
            return
        draft.answered(value)
        await self._next(draft, reply_to=reply_to)

    async def skip(self, draft: Draft, *, reply_to: int | None = None) -> None:
        """直接提交: leave the optional question unanswered and go on."""
        draft.answered("")
        await self._next(draft, reply_to=reply_to)

    async def _next(self, draft: Draft, *, reply_to: int | None) -> None:
        if draft.pending:
            await self.ask(draft, reply_to=reply_to)
        else:
            await self.perform(draft, reply_to=reply_to)

    def _problem(self, ask: Ask, error: AnswerError) -> str:
        if is_date(ask):
            return _("moves.bad_date").format(raw=quote(error.params.get("raw", "")))
        return _("moves.bad_text").format(max_length=error.params.get("max_length", ""))

    async def cancel(self, draft: Draft) -> None:
        """Leave the move unmade: the tapped message gets its buttons back."""
        await self._restore(draft)
        await self._drop()
        await self._send(_("moves.cancelled").format(title=quote(draft.title, TITLE_SHOWN)), None, None)

    # ---- making the move -------------------------------------------------------------------------------------
    async def perform(self, draft: Draft, *, reply_to: int | None = None) -> None:
        """Make the move with the answers; an answer the domain refuses is asked again, any other refusal
        ends the draft and is told (by the error handler)."""
        try:
            await make_move(
                draft,
                db=self.db,
                directory=self.directory,
                person_id=self.principal.person_id,
                now=self.clock.now(),
                today=self.today(),
            )
        except InvalidValue as error:
            field = str(error.params.get("field", ""))
            if field not in draft.answers:
                await self._abandon(draft)
                raise
            draft.pending.insert(0, Ask(field))
            await self.ask(draft, problem=_("moves.bad_text").format(max_length=_max_of(error)), reply_to=reply_to)
            return
        except StepClosed:
            await self._drop()
            await self._show_decided(draft)
            raise
        except DomainError:
            await self._abandon(draft)
            raise
        await self._drop()
        if draft.move is Move.DECIDE_STEP:
            await self._show_decided(draft)
        else:
            await self._origin_markup(draft, None)
        if draft.move is Move.FORM_TASK_FORCE:
            await self._edit_markup(draft.question_id, None)
        await self._send(_("moves.done").format(title=quote(draft.title, TITLE_SHOWN)), None, reply_to)

    # ---- the tapped message ----------------------------------------------------------------------------------
    async def _show_decided(self, draft: Draft) -> None:
        view = await uc.view_step(self.db, step_id=draft.step_id)
        text = decided_text(view, self.directory)
        await self.show_decided(draft.origin_id, text)
        # The same request went to the group and to each holder in private: none should keep live buttons.
        for chat_id, message_id in await uc.step_request_copies(self.db, step_id=draft.step_id):
            if (chat_id, message_id) != (self.chat_id, draft.origin_id):
                with contextlib.suppress(TelegramBadRequest, TelegramForbiddenError):
                    await self.bot.edit_message_text(text=text, chat_id=chat_id, message_id=message_id)

    async def show_decided(self, message_id: int, text: str) -> None:
        """Put what became of a step in place of the request (and its buttons)."""
        # It may show it already, or be too old to edit: the group's notice tells the outcome anyway.
        with contextlib.suppress(TelegramBadRequest):
            await self.bot.edit_message_text(text=text, chat_id=self.chat_id, message_id=message_id)

    async def _abandon(self, draft: Draft) -> None:
        await self._restore(draft)
        await self._drop()

    async def _restore(self, draft: Draft) -> None:
        """Give the tapped message back the buttons it had, as they stand now."""
        if draft.move is Move.DECIDE_STEP:
            view = await uc.view_step(self.db, step_id=draft.step_id)
            markup: InlineKeyboardMarkup | None = decision_keyboard(
                draft.step_id, project_id=draft.project_id, meeting=view.step.actor.is_meeting
            )
        else:
            project = await uc.get_project(self.db, draft.project_id)
            markup = moves_keyboard(draft.project_id, offered_moves(project, self.principal), project.open_step())
        await self._origin_markup(draft, markup)
        if draft.move is Move.FORM_TASK_FORCE:
            await self._edit_markup(draft.question_id, None)

    async def _origin_markup(self, draft: Draft, markup: InlineKeyboardMarkup | None) -> None:
        await self._edit_markup(draft.origin_id, markup)

    async def _edit_markup(self, message_id: int, markup: InlineKeyboardMarkup | None) -> None:
        # Unchanged, deleted or too old to edit: the draft goes on regardless.
        with contextlib.suppress(TelegramBadRequest):
            await self.bot.edit_message_reply_markup(chat_id=self.chat_id, message_id=message_id, reply_markup=markup)

    async def _send(self, text: str, markup: InlineKeyboardMarkup | ForceReply | None, reply_to: int | None) -> Message:
        replying = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
        return await self.bot.send_message(self.chat_id, text, reply_markup=markup, reply_parameters=replying)


def _max_of(error: InvalidValue) -> object:
    return error.params.get("max_length", "")
