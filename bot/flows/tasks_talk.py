"""One person's 交办单 step in progress in one chat: ask, read the answers, take the step.

In a group (a /problem about the group's project) each question mentions the person and asks with a selective
ForceReply, and only their reply to it counts (the handlers check that). In private any text answers. A text
the domain refuses is answered with what was wrong, and asked again; nothing is saved until the last step.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import ForceReply, InlineKeyboardMarkup, Message, ReplyParameters, User
from aiogram.utils.i18n import gettext as _
from markupsafe import Markup

from bot.flows.tasks import DRAFT_KEY, TaskDraft, TaskFlow, cleaned, finishes
from bot.keyboards.tasks import TalkAction, talk_keyboard
from bot.notices_tasks import task_card
from bot.render import render
from bot.texts import error_text
from domain.calendar import SHANGHAI
from domain.directory import Directory
from domain.errors import DomainError
from domain.project import Principal
from domain.supervision import SupervisionRules
from domain.tasks import MATERIAL_MAX_LENGTH, MAX_ITEMS, TaskMove, TaskTextInvalid, clean_text, read_item_lines
from services import tasks as uc
from storage.uow import Database
from zhikong.clock import Clock

# The question each text-answered step asks.
_QUESTIONS = {
    TaskMove.RETURN_REPORT: "tasks.ask.reason",
    TaskMove.SEND_BACK: "tasks.ask.reason",
    TaskMove.REFER_BACK: "tasks.ask.reason",
    TaskMove.COMPLETE_ITEM: "tasks.ask.explanation",
}
_DONE = {
    TaskMove.RETURN_REPORT: "tasks.done.return_report",
    TaskMove.SEND_BACK: "tasks.done.send_back",
    TaskMove.REFER_BACK: "tasks.done.send_back",
    TaskMove.COMPLETE_ITEM: "tasks.done.complete_item",
}


@dataclass
class TaskTalk:
    bot: Bot
    chat_id: int
    in_group: bool
    user: User
    principal: Principal
    state: FSMContext
    db: Database
    directory: Directory
    clock: Clock
    rules: SupervisionRules

    # ---- the draft -------------------------------------------------------------------------------------------
    async def draft(self) -> TaskDraft | None:
        if await self.state.get_state() not in {s.state for s in TaskFlow.__states__}:
            return None
        return TaskDraft.from_data(await self.state.get_data())

    async def _keep(self, flow: State, draft: TaskDraft) -> None:
        await self.state.set_state(flow)
        await self.state.update_data(draft.to_data())

    async def _drop(self) -> None:
        await self.state.set_state(None)
        await self.state.update_data({DRAFT_KEY: None})

    def today(self) -> date:
        return self.clock.now().astimezone(SHANGHAI).date()

    # ---- asking ----------------------------------------------------------------------------------------------
    async def _ask(
        self, flow: State, draft: TaskDraft, question: str, *, problem: str = "", hint: str = "", reply_to: int | None
    ) -> None:
        text = render(
            "tasks_question.j2",
            problem=Markup(problem),  # error_text escapes what it quotes
            mention=self.user.mention_html() if self.in_group else "",
            question=question,
            hint=hint,
        )
        markup = ForceReply(selective=True) if self.in_group else talk_keyboard()
        message = await self._send(text, markup, reply_to)
        draft.question_id = message.message_id
        await self._keep(flow, draft)

    async def start_report(self, unit: str, project_id: int | None, project_name: str, reply_to: int | None) -> None:
        draft = TaskDraft(TaskMove.REPORT, unit=unit, project_id=project_id, project_name=project_name)
        question = (
            _("tasks.ask.material_project").format(project=project_name) if project_name else _("tasks.ask.material")
        )
        await self._ask(TaskFlow.material, draft, question, reply_to=reply_to)

    async def start_prepare(self, request_id: int, origin_id: int) -> None:
        draft = TaskDraft(TaskMove.PREPARE, target=request_id, origin_id=origin_id)
        await self._ask(TaskFlow.summary, draft, _("tasks.ask.summary").format(id=request_id), reply_to=None)

    async def start_answer(self, move: TaskMove, target: int, origin_id: int, *, seq: int = 0) -> None:
        draft = TaskDraft(move, target=target, origin_id=origin_id, seq=seq)
        await self._ask(TaskFlow.answer, draft, _(_QUESTIONS[move]).format(seq=seq), reply_to=None)

    # ---- answers ---------------------------------------------------------------------------------------------
    async def answer(self, draft: TaskDraft, text: str, *, reply_to: int | None) -> None:
        flow = await self.state.get_state()
        if flow == TaskFlow.material.state:
            await self._material(draft, text, reply_to)
        elif flow == TaskFlow.summary.state:
            await self._summary(draft, text)
        elif flow == TaskFlow.items.state:
            await self._items(draft, text)
        elif flow == TaskFlow.answer.state:
            await self._reasoned(draft, text)
        else:  # a review waits for a tap
            await self._send(_("tasks.use_buttons"), None, reply_to)

    async def _material(self, draft: TaskDraft, text: str, reply_to: int | None) -> None:
        try:
            draft.material = clean_text(cleaned(text), "material", MATERIAL_MAX_LENGTH)
        except TaskTextInvalid as error:
            question = _("tasks.ask.material")
            await self._ask(TaskFlow.material, draft, question, problem=error_text(error), reply_to=reply_to)
            return
        params = {"unit": draft.unit, "material": draft.material, "project_name": draft.project_name}
        card = task_card(params, self.directory, headline=_("tasks.review.report"), kind="prepare_request")
        card = render("tasks_question.j2", problem="", mention=self._mention(), question=Markup(card), hint="")
        message = await self._send(card, talk_keyboard(TalkAction.CONFIRM), reply_to)
        draft.question_id = message.message_id
        await self._keep(TaskFlow.confirming, draft)

    async def _summary(self, draft: TaskDraft, text: str) -> None:
        try:
            draft.summary = clean_text(cleaned(text), "summary")
        except TaskTextInvalid as error:
            question = _("tasks.ask.summary").format(id=draft.target)
            await self._ask(TaskFlow.summary, draft, question, problem=error_text(error), reply_to=None)
            return
        await self._ask_items(draft, "")

    async def _ask_items(self, draft: TaskDraft, problem: str) -> None:
        hint = _("tasks.hint.items").format(days=self.rules.task_item_due_workdays)
        text = render(
            "tasks_question.j2", problem=Markup(problem), mention="", question=_("tasks.ask.items"), hint=hint
        )
        message = await self._send(text, talk_keyboard(TalkAction.FINISH, TalkAction.UNDO), None)
        draft.question_id = message.message_id
        await self._keep(TaskFlow.items, draft)

    async def _items(self, draft: TaskDraft, text: str) -> None:
        if finishes(text):
            await self.review(draft)
            return
        try:
            drafts = read_item_lines(text, self.directory, self.today())
        except DomainError as error:
            problem = _("tasks.bad_line").format(line_no=error.params.get("line_no", 1), problem=error_text(error))
            await self._ask_items(draft, problem)
            return
        if len(draft.items) + len(drafts) > MAX_ITEMS:
            await self._ask_items(draft, _("tasks.too_many").format(max_items=MAX_ITEMS))
            return
        draft.add_items(drafts)
        taken = _("tasks.items_taken").format(count=len(drafts), total=len(draft.items))
        message = await self._send(taken, talk_keyboard(TalkAction.FINISH, TalkAction.UNDO), None)
        draft.question_id = message.message_id
        await self._keep(TaskFlow.items, draft)

    async def review(self, draft: TaskDraft) -> None:
        """The 交办单 as prepared so far, with 确认提交; with no item yet, the items are asked for again."""
        if not draft.items:
            await self._ask_items(draft, _("tasks.items_none"))
            return
        params = {
            "request_id": draft.target,
            "summary": draft.summary,
            "items": [{**item, "seq": n} for n, item in enumerate(draft.items, start=1)],
        }
        card = task_card(params, self.directory, headline=_("tasks.review.prepared"), kind="review")
        message = await self._send(card, talk_keyboard(TalkAction.CONFIRM, TalkAction.UNDO), None)
        draft.question_id = message.message_id
        await self._keep(TaskFlow.reviewing, draft)

    async def undo(self, draft: TaskDraft) -> None:
        if draft.items:
            draft.items.pop()
        await self._send(_("tasks.undone").format(total=len(draft.items)), None, None)
        await self._ask_items(draft, "")

    async def _reasoned(self, draft: TaskDraft, text: str) -> None:
        now, person = self.clock.now(), self.principal.person_id
        try:
            if draft.move is TaskMove.COMPLETE_ITEM:
                await uc.complete_item(self.db, person_id=person, item_id=draft.target, explanation=text, now=now)
            else:
                act = {
                    TaskMove.RETURN_REPORT: uc.return_report,
                    TaskMove.SEND_BACK: uc.send_back_task,
                    TaskMove.REFER_BACK: uc.refer_back_task,
                }[draft.move]
                await act(self.db, person_id=person, request_id=draft.target, reason=text, now=now)
        except TaskTextInvalid as error:
            question = _(_QUESTIONS[draft.move]).format(seq=draft.seq)
            await self._ask(TaskFlow.answer, draft, question, problem=error_text(error), reply_to=None)
            return
        except DomainError:
            await self._drop()
            raise
        await self._finish(draft, _(_DONE[draft.move]).format(seq=draft.seq))

    # ---- confirming ------------------------------------------------------------------------------------------
    async def confirm(self, draft: TaskDraft, *, reply_to: int | None = None) -> None:
        """确认上报 or 确认提交: the step is taken."""
        now, person = self.clock.now(), self.principal.person_id
        try:
            if draft.move is TaskMove.REPORT:
                request = await uc.report_problem(
                    self.db,
                    self.directory,
                    person_id=person,
                    material=draft.material,
                    now=now,
                    project_id=draft.project_id,
                )
                done = _("tasks.done.report").format(id=request.id)
            else:
                await uc.prepare_task(
                    self.db,
                    person_id=person,
                    request_id=draft.target,
                    summary=draft.summary,
                    items=draft.item_drafts(),
                    now=now,
                )
                done = _("tasks.done.prepare").format(id=draft.target)
        except DomainError:
            await self._drop()
            await self._edit_markup(draft.question_id, None)
            raise
        await self._edit_markup(draft.question_id, None)
        await self._finish(draft, done, reply_to=reply_to)

    async def _finish(self, draft: TaskDraft, done: str, *, reply_to: int | None = None) -> None:
        await self._drop()
        if draft.origin_id:
            await self._edit_markup(draft.origin_id, None)
        await self._send(done, None, reply_to)

    async def done(self, origin_id: int, text: str) -> None:
        """A step taken at the tap (同意, 下发, 通报批评): the notice loses its buttons, and says so."""
        await self._edit_markup(origin_id, None)
        await self._send(text, None, None)

    async def cancel(self, draft: TaskDraft) -> None:
        await self._drop()
        await self._edit_markup(draft.question_id, None)
        await self._send(_("tasks.cancelled"), None, None)

    # ---- sending ---------------------------------------------------------------------------------------------
    def _mention(self) -> str:
        return self.user.mention_html() if self.in_group else ""

    async def _edit_markup(self, message_id: int, markup: InlineKeyboardMarkup | None) -> None:
        # Unchanged, deleted or too old to edit: the conversation goes on regardless.
        with contextlib.suppress(TelegramBadRequest):
            await self.bot.edit_message_reply_markup(chat_id=self.chat_id, message_id=message_id, reply_markup=markup)

    async def _send(self, text: str, markup: InlineKeyboardMarkup | ForceReply | None, reply_to: int | None) -> Message:
        replying = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
        return await self.bot.send_message(self.chat_id, text, reply_markup=markup, reply_parameters=replying)
