"""One person's monthly progress update in one chat: ask, read, review, submit.

In a group every question mentions the person and asks with a selective ForceReply, and only their reply to it
counts (the handlers check that). The answers stay in the FSM draft until 提交; `services.progress` checks who
may and what is open again then.
"""

from __future__ import annotations

import contextlib
import html
from dataclasses import dataclass
from decimal import Decimal

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import ForceReply, InlineKeyboardMarkup, Message, ReplyParameters, User
from aiogram.utils.i18n import gettext as _
from markupsafe import Markup

from bot.flows.progress import DRAFT_KEY, ProgressFlow, UpdateDraft
from bot.flows.waiting import Outgoing
from bot.keyboards.progress import projects_keyboard, review_keyboard, stage_keyboard
from bot.notices_progress import funds_text, stage_text
from bot.render import render
from bot.texts import NAME_SHOWN, quote
from domain.progress import (
    InvalidProgressAnswer,
    UpdateField,
    period_label,
    read_funds,
    read_problems,
    read_progress,
)
from domain.project import Principal, Project
from domain.scoring import ScoringRules
from domain.supervision import SupervisionRules
from services import progress as uc
from storage.uow import Database
from zhikong.clock import Clock

Reply = InlineKeyboardMarkup | ForceReply
_READERS = {UpdateField.FUNDS: read_funds, UpdateField.PROGRESS: read_progress, UpdateField.PROBLEMS: read_problems}


@dataclass
class UpdateTalk:
    """The update in progress of `user` in chat `chat_id`, with what it needs to act for them."""

    bot: Bot
    chat_id: int
    in_group: bool
    user: User
    principal: Principal
    state: FSMContext
    db: Database
    rules: SupervisionRules
    scoring: ScoringRules
    clock: Clock
    taking: str = ""  # the input acted on: "m<message id>" or "c<callback query id>" (bot.flows.waiting)

    # ---- the draft -------------------------------------------------------------------------------------------
    async def draft(self) -> UpdateDraft | None:
        """The update in progress here, if the person is in the middle of one."""
        if await self.state.get_state() not in ProgressFlow.__all_states_names__:
            return None
        return UpdateDraft.from_data(await self.state.get_data())

    async def _keep(self, flow: State, draft: UpdateDraft) -> None:
        draft.taken = self.taking or draft.taken
        if await self.state.get_state() != flow.state:
            await self.state.set_state(flow)
        await self.state.update_data(draft.to_data())

    async def _drop(self) -> None:
        await self.state.set_state(None)
        await self.state.update_data({DRAFT_KEY: None})

    def _mention(self) -> str:
        return self.user.mention_html() if self.in_group else ""

    # ---- starting --------------------------------------------------------------------------------------------
    async def offer(self, projects: list[Project]) -> None:
        """Buttons of the projects owing an update (private chat)."""
        draft = await self.draft() or UpdateDraft()
        await self._take_buttons_off(draft)
        draft = UpdateDraft(options=[p.id or 0 for p in projects], **draft.carried_over())
        keyboard = projects_keyboard([p.name for p in projects])
        await self._post(ProgressFlow.choosing, draft, _("progress.choose_project"), keyboard, None)

    async def start(self, project_id: int, *, reply_to: int | None = None) -> None:
        """Begin (or begin again) the update of this project; refused by the use case unless this person is its
        landing unit's staff or head and an update is asked for."""
        slot = await uc.update_slot(
            self.db, self.rules, person_id=self.principal.person_id, project_id=project_id, now=self.clock.now()
        )
        old = await self.draft()
        if old is not None:
            await self._take_buttons_off(old)
        draft = UpdateDraft(
            project_id=project_id,
            project_name=slot.project.name,
            period=period_label(slot.cycle.period),
            due=slot.cycle.due.isoformat(),
            stage=slot.project.stage.value,
            replaces=slot.given is not None,
            **(old.carried_over() if old else {}),
        )
        await self.ask_stage(draft, reply_to=reply_to)

    def _title(self, draft: UpdateDraft) -> str:
        return _("progress.title").format(project=draft.project_name, period=draft.period)

    async def ask_stage(self, draft: UpdateDraft, *, reply_to: int | None = None) -> None:
        text = render(
            "progress_question.j2",
            problem="",
            mention=self._mention(),
            title=self._title(draft),
            question=Markup(_("progress.ask.stage").format(stage=html.escape(stage_text(draft.stage)))),
            how="",
        )
        draft.asking = ""
        await self._post(ProgressFlow.staging, draft, text, stage_keyboard(), reply_to)

    async def stage_given(self, draft: UpdateDraft, *, changed: bool) -> None:
        """没有变化 / 有变化; a change itself is recorded by its own move (/status), so they are told how."""
        await self._edit_markup(draft.message_id, None)
        draft.stage_changed = changed
        if changed:
            await self._send(_("progress.stage_moves"), None, None)
        await self.ask(draft, UpdateField.FUNDS)

    # ---- questions -------------------------------------------------------------------------------------------
    async def ask(
        self, draft: UpdateDraft, field: UpdateField, *, problem: str = "", reply_to: int | None = None
    ) -> None:
        text = render(
            "progress_question.j2",
            problem=Markup(problem),  # catalog words around escaped input
            mention=self._mention(),
            title=self._title(draft),
            question=_("progress.ask." + field.value),
            how=_("progress.how.reply") if self.in_group else _("progress.how.private"),
        )
        placeholder = _("progress.placeholder." + field.value)
        draft.asking = field.value
        reply = ForceReply(selective=True, input_field_placeholder=placeholder)
        await self._post(ProgressFlow.answering, draft, text, reply, reply_to)

    async def answer(self, draft: UpdateDraft, text: str | None, *, reply_to: int | None = None) -> None:
        """Read the answer to the question out; then the next question or the review card."""
        field = draft.field
        if field is None:
            return
        if text is None:
            await self.ask(draft, field, problem=_("progress.text_only"), reply_to=reply_to)
            return
        try:
            value = _READERS[field](text)
        except InvalidProgressAnswer as error:
            await self.ask(draft, field, problem=problem_text(error), reply_to=reply_to)
            return
        setattr(draft, field.value, str(value))
        following = draft.next_field()
        if following is None:
            await self.review(draft, reply_to=reply_to)
        else:
            await self.ask(draft, following, reply_to=reply_to)

    async def skip(self, draft: UpdateDraft, *, reply_to: int | None = None) -> None:
        """/skip answers the question with nothing: the problems may be left empty, a required answer is asked
        again (the field's own reader decides)."""
        if draft.field is not None:
            await self.answer(draft, "", reply_to=reply_to)

    # ---- the card and submission -----------------------------------------------------------------------------
    async def review(self, draft: UpdateDraft, *, reply_to: int | None = None) -> None:
        text = render(
            "progress_review.j2",
            mention=self._mention(),
            title=self._title(draft),
            stage=stage_text(draft.stage, changed=draft.stage_changed),
            funds=funds_text(draft.funds),
            progress=draft.progress,
            problems=draft.problems,
            replaces=draft.replaces,
        )
        draft.asking = ""
        await self._post(ProgressFlow.reviewing, draft, text, review_keyboard(), reply_to)

    async def submit(self, draft: UpdateDraft) -> None:
        """提交: the use case checks everything again; the group gets the summary from the outbox."""
        await self._edit_markup(draft.message_id, None)
        try:
            given = await uc.submit_update(
                self.db,
                self.rules,
                self.scoring,
                person_id=self.principal.person_id,
                project_id=draft.project_id,
                funds=Decimal(draft.funds),
                progress=draft.progress,
                problems=draft.problems,
                stage_changed=draft.stage_changed,
                now=self.clock.now(),
            )
        finally:
            await self._drop()
        key = "progress.submitted_late" if given.late else "progress.submitted"
        await self._send(
            _(key).format(project=quote(draft.project_name, NAME_SHOWN), period=draft.period, due=draft.due), None, None
        )

    async def redo(self, draft: UpdateDraft) -> None:
        await self._edit_markup(draft.message_id, None)
        await self.ask_stage(draft)

    async def cancel(self, draft: UpdateDraft) -> None:
        await self._take_buttons_off(draft)
        await self._drop()
        await self._send(_("progress.cancelled"), None, None)

    # ---- sending ---------------------------------------------------------------------------------------------
    async def _take_buttons_off(self, draft: UpdateDraft) -> None:
        if draft.asking == "":
            await self._edit_markup(draft.message_id, None)

    async def _edit_markup(self, message_id: int | None, markup: InlineKeyboardMarkup | None) -> None:
        if message_id is None:  # the message was being sent when the bot stopped: none to edit
            return
        # Already without buttons, deleted, or too old to edit: the conversation goes on regardless.
        with contextlib.suppress(TelegramBadRequest):
            await self.bot.edit_message_reply_markup(chat_id=self.chat_id, message_id=message_id, reply_markup=markup)

    async def _post(
        self, flow: State, draft: UpdateDraft, text: str, markup: Reply | None, reply_to: int | None
    ) -> None:
        """Send the message that now waits for this person; the draft is saved with it first (bot.flows.waiting)."""
        draft.sending(Outgoing(text, markup, reply_to))
        await self._keep(flow, draft)
        await self._deliver(draft)

    async def _deliver(self, draft: UpdateDraft) -> None:
        outgoing = draft.to_send()
        assert outgoing is not None
        message = await self._send(outgoing.text, outgoing.markup, outgoing.reply_to)
        draft.sent(message.message_id)
        await self.state.update_data(draft.to_data())

    async def replayed(self) -> bool:
        """True if this message or tap was acted on already (the same update again, after a crash): the message
        it led to is sent if it may not have gone, and nothing else is done."""
        draft = await self.draft() if self.taking else None
        if draft is None or draft.taken != self.taking:
            return False
        if draft.outgoing is not None:
            await self._deliver(draft)
        return True

    async def _send(self, text: str, markup: Reply | None, reply_to: int | None) -> Message:
        replying = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
        return await self.bot.send_message(self.chat_id, text, reply_markup=markup, reply_parameters=replying)


def problem_text(error: InvalidProgressAnswer) -> str:
    """What was wrong with an answer, in the person's words."""
    params = error.params
    reason = str(params.get("reason", "amount"))
    return _("progress.bad." + reason).format(
        raw=quote(params.get("raw", "")),
        max_length=params.get("max_length", ""),
        length=params.get("length", ""),
    )
