"""One person's 审批表 conversation in one chat: asks, reads, saves, shows the card and the route.

Every answer is saved through `services.projects.edit_form` before the next question goes out, so the draft is
in the database at every step; the FSM keeps only the `Place`. In a group each message is addressed to the
person (mention plus a selective ForceReply), and only their reply to it counts (the handlers check that).
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from datetime import date

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import Message, ReplyParameters, User
from aiogram.utils.i18n import gettext as _

from bot.flows.form import ARGUED_ON, FormFlow, Place, next_question, previous_question, read, spec_of
from bot.flows.form_cards import question, review_card, route_card
from bot.flows.waiting import Markup, Outgoing
from bot.keyboards.form import projects_keyboard
from bot.texts import error_text, quote
from domain.answers import AnswerError, is_skip, read_answer
from domain.calendar import SHANGHAI
from domain.directory import Directory
from domain.form import InvalidValue
from domain.lifecycle import Stage
from domain.project import FormIncomplete, Project
from services import projects as uc
from storage.uow import ConcurrentUpdate, Database
from zhikong.clock import Clock

log = logging.getLogger(__name__)

# Two people answering at the same moment may race on the project's version: an answer is simply tried again.
SAVE_ATTEMPTS = 3


@dataclass
class FormTalk:
    """The conversation of `user` in the chat `chat_id`, with what it needs to act for them."""

    bot: Bot
    chat_id: int
    in_group: bool
    user: User
    person_id: int
    state: FSMContext
    db: Database
    directory: Directory
    clock: Clock
    raw_state: str | None  # the conversation's state as this update found it
    taking: str = ""  # the input acted on: "m<message id>" or "c<callback query id>"

    # ---- the place ---------------------------------------------------------------------------------------------
    async def place(self) -> Place:
        return Place.from_data(await self.state.get_data())

    async def keep(self, state: State | None, place: Place) -> None:
        """Remember the place (and the state, when it changes: each write is a transaction), with the input
        being acted on as taken."""
        place.taken = self.taking or place.taken
        name = state.state if state is not None else None
        if name != self.raw_state:
            await self.state.set_state(state)
            self.raw_state = name
        await self.state.set_data(place.to_data())

    def today(self) -> date:
        return self.clock.now().astimezone(SHANGHAI).date()

    # ---- opening ---------------------------------------------------------------------------------------------
    async def open(self, project_id: int, *, review: bool = False, reply_to: int | None = None) -> None:
        """Resume the form of this project where it stands, or show its card; the domain decides who may."""
        # Setting no field is the domain's check of stage and party, without changing anything.
        project = await uc.edit_form(
            self.db, self.directory, person_id=self.person_id, project_id=project_id, now=self.clock.now()
        )
        place = (await self.place()).for_project(project_id)
        place.editing = place.review = False
        field = (
            None if review else next_question(project.form, start=place.field, skipped=place.skipped, inclusive=True)
        )
        if field is None:
            await self.review(project, place, reply_to=reply_to)
        else:
            place.field = field
            await self.ask(project, place, reply_to=reply_to)

    async def offer_projects(self, projects: list[Project], *, review: bool) -> None:
        """Buttons of the projects to choose from (private chat)."""
        place = await self.place()
        place.project_id, place.field, place.options = None, None, [str(p.id) for p in projects]
        place.review = review
        await self.post(
            place, FormFlow.choosing, _("form.choose_project"), projects_keyboard([p.name for p in projects])
        )

    # ---- questions -------------------------------------------------------------------------------------------
    async def ask(self, project: Project, place: Place, *, problem: str = "", reply_to: int | None = None) -> None:
        """Send the question for `place.field` (after what was wrong with the last answer, if anything)."""
        assert place.field is not None
        spec = spec_of(place.field)
        shown = question(project, spec, self.directory, mention=self._mention(), problem=problem)
        place.options = shown.options
        flow = FormFlow.arguing if spec is ARGUED_ON else FormFlow.answering
        await self.post(place, flow, shown.text, shown.markup, reply_to)

    def _mention(self) -> str:
        return self.user.mention_html() if self.in_group else ""

    async def answer(self, place: Place, text: str | None, *, reply_to: int | None = None) -> None:
        """Read and save an answer to the question out, then ask the next one; a bad answer is asked again."""
        assert place.project_id is not None and place.field is not None
        spec = spec_of(place.field)
        if text is None:
            project = await uc.get_project(self.db, place.project_id)
            await self.ask(project, place, problem=_("form.text_only"), reply_to=reply_to)
            return
        if is_skip(text):
            await self.skip(place, reply_to=reply_to)
            return
        try:
            value = read(spec, text, today=self.today(), directory=self.directory)
            project = await self.save(place.project_id, **{spec.name: value})
        except (AnswerError, InvalidValue) as error:
            project = await uc.get_project(self.db, place.project_id)
            await self.ask(project, place, problem=error_text(error), reply_to=reply_to)
            return
        place.skipped = [name for name in place.skipped if name != spec.name]
        await self.proceed(project, place, reply_to=reply_to)

    async def save(self, project_id: int, **values: object) -> Project:
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                return await uc.edit_form(
                    self.db,
                    self.directory,
                    person_id=self.person_id,
                    project_id=project_id,
                    now=self.clock.now(),
                    **values,
                )
            except ConcurrentUpdate:
                if attempt == SAVE_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    async def skip(self, place: Place, *, reply_to: int | None = None) -> None:
        """Leave an optional field as it is and go on; a required empty field is asked again."""
        assert place.project_id is not None and place.field is not None
        project = await uc.get_project(self.db, place.project_id)
        spec = spec_of(place.field)
        empty = spec is ARGUED_ON or getattr(project.form, spec.name) is None
        if empty and (spec is ARGUED_ON or spec.required(project.form)):
            label = _("form.argument.label") if spec is ARGUED_ON else _("field." + spec.name)
            await self.ask(project, place, problem=_("form.required").format(field=label), reply_to=reply_to)
            return
        if empty and spec.name not in place.skipped:
            place.skipped = [*place.skipped, spec.name]
        await self.proceed(project, place, reply_to=reply_to)

    async def back(self, place: Place, *, reply_to: int | None = None) -> None:
        """Ask the previous question again, showing its answer."""
        assert place.project_id is not None and place.field is not None
        project = await uc.get_project(self.db, place.project_id)
        place.field = previous_question(project.form, place.field)
        await self.ask(project, place, reply_to=reply_to)

    async def proceed(self, project: Project, place: Place, *, reply_to: int | None = None) -> None:
        """After an answer: the card if the field was opened from it, else the next empty field, else the card."""
        following = next_question(project.form, start=place.field, skipped=place.skipped, inclusive=False)
        if place.editing or following is None:
            place.editing = False
            await self.review(project, place, reply_to=reply_to)
            return
        place.field = following
        await self.ask(project, place, reply_to=reply_to)

    # ---- the card, the route and submission --------------------------------------------------------------------
    async def review(self, project: Project, place: Place, *, reply_to: int | None = None) -> None:
        """The review card, waiting for a tap."""
        shown = review_card(project, self.directory, mention=self._mention())
        place.options = []
        await self.post(place, FormFlow.reviewing, shown.text, shown.markup, reply_to)

    async def edit(self, place: Place, field: str) -> None:
        """Ask one field opened from the card; its answer leads back to the card."""
        assert place.project_id is not None
        project = await uc.get_project(self.db, place.project_id)
        place.field, place.editing = field, True
        await self.ask(project, place)

    async def submit(self, place: Place) -> None:
        """Tapped 提交: the first missing field, or the route to confirm (or the 论证 still to record)."""
        assert place.project_id is not None
        project = await uc.get_project(self.db, place.project_id)
        missing = project.form.missing_fields()
        if missing:
            place.field, place.editing = missing[0], False
            problem = error_text(FormIncomplete("The form is incomplete.", missing=missing))
            await self.ask(project, place, problem=problem)
            return
        await self.confirm(project, place)

    async def confirm(self, project: Project, place: Place, *, reply_to: int | None = None) -> None:
        """The route the form calls for, waiting for 确认上报 (or 论证已完成 while at 谋划)."""
        shown = route_card(project, self.directory, mention=self._mention())
        place.options = []
        await self.post(place, FormFlow.confirming, shown.text, shown.markup, reply_to)

    async def ask_argued_on(self, place: Place) -> None:
        assert place.project_id is not None
        place.field = ARGUED_ON.name
        await self.ask(await uc.get_project(self.db, place.project_id), place)

    async def argued(self, place: Place, text: str | None, *, reply_to: int | None = None) -> None:
        """The date of the 论证: recorded (the domain decides who may), then the route to confirm."""
        assert place.project_id is not None
        try:
            held_on = read_answer(ARGUED_ON, text or "", today=self.today())
        except AnswerError:
            project = await uc.get_project(self.db, place.project_id)
            problem = _("form.argument.bad").format(raw=quote(text or ""), hint=_("hint.date"))
            await self.ask(project, place, problem=problem, reply_to=reply_to)
            return
        project = await uc.record_argumentation(
            self.db, person_id=self.person_id, project_id=place.project_id, held_on=held_on, now=self.clock.now()
        )
        await self.confirm(project, place, reply_to=reply_to)

    async def send_in(self, place: Place) -> Project:
        """Submit the form (or resubmit it after 退回修改) and end the conversation."""
        assert place.project_id is not None
        project = await uc.get_project(self.db, place.project_id)
        if project.stage is Stage.RETURNED:
            project = await uc.resubmit(
                self.db, person_id=self.person_id, project_id=place.project_id, now=self.clock.now()
            )
            key = "form.resubmitted"
        else:
            project = await uc.submit_form(
                self.db, person_id=self.person_id, project_id=place.project_id, now=self.clock.now()
            )
            key = "form.submitted"
        # The place is kept (without a project) rather than cleared: it remembers this tap as taken.
        await self.post(
            place.after(),
            None,
            _(key).format(name=html.escape(project.name)),
            None,
        )
        return project

    async def pause(self) -> None:
        """Leave the conversation; the place stays so /form picks it up."""
        place = await self.place()
        await self.post(place, None, _("form.paused"), None)

    # ---- sending ---------------------------------------------------------------------------------------------
    async def post(
        self, place: Place, state: State | None, text: str, markup: Markup | None, reply_to: int | None = None
    ) -> None:
        """Send the message that now waits for this person (a question or a card; with state None, the last word
        of the conversation). The place is saved first, with the message as outgoing, so a crash before it
        reaches the chat sends it when the same update comes again; the old message's buttons go."""
        await self.close_buttons(place)
        place.sending(Outgoing(text, markup, reply_to))
        await self.keep(state, place)
        await self._deliver(place, waits=state is not None)

    async def replayed(self) -> bool:
        """True if this message or tap was acted on already (the same update again, after a crash): the message
        it led to is sent if it may not have gone, and nothing else is done."""
        if not self.taking:
            return False
        place = await self.place()
        if place.taken != self.taking:
            return False
        if place.outgoing is not None:
            await self._deliver(place, waits=self.raw_state is not None)
        return True

    async def _deliver(self, place: Place, *, waits: bool) -> None:
        outgoing = place.to_send()
        assert outgoing is not None
        message = await self.send(outgoing.text, outgoing.markup, outgoing.reply_to)
        place.sent(message.message_id if waits else None)
        await self.state.set_data(place.to_data())

    async def close_buttons(self, place: Place) -> None:
        """Take the buttons off the message that was waiting: a tap on it could only be refused now."""
        if place.buttons and place.message_id is not None:
            try:
                await self.bot.edit_message_reply_markup(chat_id=self.chat_id, message_id=place.message_id)
            except TelegramBadRequest as error:  # deleted meanwhile, or already without buttons
                log.info("buttons of message %s in %s stay: %s", place.message_id, self.chat_id, error.message)
        place.buttons = False

    async def send(self, text: str, markup: Markup | None, reply_to: int | None) -> Message:
        replying = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
        return await self.bot.send_message(
            self.chat_id,
            text,
            parse_mode=ParseMode.HTML,  # the texts are HTML whatever the bot's default
            reply_markup=markup,
            reply_parameters=replying,
        )
