"""/status in a project's group: the card, and buttons for the moves this person may make now; the moves'
questions and answers (bot.flows.moves).

Which buttons a person sees is the domain's `moves_for`, from the roles the database gives them; a tap is
checked again against the project as it stands then, and the use case checks it once more.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from markupsafe import Markup

from bot.cards import card_text
from bot.flows.moves import FORM_MOVES, OPTIONAL, Draft, MoveFlow, questions_for
from bot.flows.moves_talk import MoveTalk, offered_moves
from bot.handlers.approvals import GROUP_TYPES, talk_for
from bot.keyboards.moves import MEETING_MOVES, DraftAct, DraftAction, MemberToggle, MoveTap, moves_keyboard
from bot.render import render
from bot.taps import in_chat_of, refused_off_message
from domain.directory import Directory
from domain.lifecycle import TRANSITIONS, Move
from domain.project import Principal, Project
from domain.records import OpinionKind, Outcome
from domain.step_deadlines import CardSignal
from domain.supervision import SupervisionRules
from services import projects as uc
from services.deadlines import signals_for
from storage.uow import Database
from zhikong.clock import Clock


def status_text(
    project: Project, principal: Principal | None, directory: Directory, clock: Clock, signal: CardSignal | None
) -> str:
    """The card (with its deadline colour), then what this person can do about the project now."""
    moves = offered_moves(project, principal) if principal else []
    return render(
        "moves_status.j2",
        card=Markup(card_text(project, directory, clock, signal)),  # rendered (and escaped) by its own template
        form_hint=bool(FORM_MOVES & set(moves)),
        has_buttons=moves_keyboard(project.id or 0, moves, project.open_step()) is not None,
    )


async def status(
    message: Message,
    db: Database,
    directory: Directory,
    clock: Clock,
    rules: SupervisionRules,
    principal: Principal | None,
) -> None:
    """/status in a group: its project's card with this person's buttons; in private, where to look instead."""
    if message.chat.type not in GROUP_TYPES:
        await message.answer(_("moves.status.private"))
        return
    project = await uc.project_of_group(db, chat_id=message.chat.id)
    if project is None or project.id is None:
        await message.reply(_("moves.status.unbound"))
        return
    moves = offered_moves(project, principal) if principal else []
    signal = (await signals_for(db, rules, [project], clock.now())).get(project.id)
    await message.reply(
        status_text(project, principal, directory, clock, signal),
        reply_markup=moves_keyboard(project.id, moves, project.open_step()),
    )


def draft_title(move: Move, project: Project, choice: str) -> str:
    """How the questions of a move name it, e.g. 「项目」研判小组会议：通过."""
    if move in MEETING_MOVES:
        return _("moves.title.meeting").format(
            project=project.name, meeting=_("moves.meeting." + move.value), outcome=_("outcome." + choice)
        )
    return _("moves.title.move").format(project=project.name, move=_("moves.name." + move.value))


async def move_tapped(query: CallbackQuery, callback_data: MoveTap, principal: Principal | None, **data: Any) -> None:
    """A move's button: checked against the project now, then its questions (or the move at once)."""
    message = query.message
    if principal is None or not principal.roles or not isinstance(message, Message):
        await query.answer(_("moves.unbound"), show_alert=True)
        return
    project = await uc.get_project(data["db"], callback_data.p)
    move, choice = callback_data.m, callback_data.v
    # A project's buttons are offered in its group (/status) and in private (/todo), nowhere else.
    if not in_chat_of(query, project.group_chat_id):
        await query.answer(_("taps.wrong_chat"), show_alert=True)
        return
    if move not in offered_moves(project, principal):
        stale = project.stage not in TRANSITIONS[move].sources
        await query.answer(_("moves.stale") if stale else _("moves.not_yours"), show_alert=True)
        return
    if move in MEETING_MOVES and choice not in set(Outcome):
        await query.answer(_("moves.stale"), show_alert=True)
        return
    if move in (Move.RECORD_DEPARTMENT_OPINION, Move.RECORD_JOINT_REVIEW):
        choice = _opinion_unit(project, principal, move)
    assert project.id is not None
    if await refused_off_message(query):
        return
    talk = talk_for(message, query.from_user, principal, data)
    if await talk.is_started(move, project_id=project.id, choice=choice, origin=message.message_id):
        await query.answer(_("taps.already_started"), show_alert=True)
        return
    draft = Draft(
        move=move,
        project_id=project.id,
        origin_id=message.message_id,
        title=draft_title(move, project, choice),
        choice=choice,
        pending=questions_for(move),
    )
    await talk.start(draft)
    await query.answer()


def _opinion_unit(project: Project, principal: Principal, move: Move) -> str:
    """The unit the opinion is given for: the person's own, one that still owes it first."""
    kind = OpinionKind.JOINT_REVIEW if move is Move.RECORD_JOINT_REVIEW else OpinionKind.DEPARTMENT
    units = project.opinion_units(principal, kind)
    owing = [u for u in units if u in project.departments_owing_opinion()]
    return (owing or units)[0]


async def _own_draft(
    query: CallbackQuery, principal: Principal | None, data: dict[str, Any]
) -> tuple[MoveTalk, Draft] | None:
    """The tapper's move in progress, if the tapped message belongs to it; else None, and they are told."""
    message = query.message
    if principal is not None and isinstance(message, Message):
        talk = talk_for(message, query.from_user, principal, data)
        draft = await talk.draft()
        if draft is not None and message.message_id in (draft.origin_id, draft.question_id):
            return None if await refused_off_message(query) else (talk, draft)
    await query.answer(_("moves.not_your_draft"), show_alert=True)
    return None


async def draft_act(query: CallbackQuery, callback_data: DraftAct, principal: Principal | None, **data: Any) -> None:
    """直接提交, 取消, or 确定 (the 专班 picked): only on the tapper's own move in progress."""
    own = await _own_draft(query, principal, data)
    if own is None:
        return
    talk, draft = own
    state = await talk.state.get_state()
    action = callback_data.a
    if action is DraftAction.CANCEL:
        await talk.cancel(draft)
    elif action is DraftAction.SUBMIT and state == MoveFlow.answering.state and draft.asking in OPTIONAL:
        await talk.skip(draft)
    elif action is DraftAction.DONE and state == MoveFlow.picking.state:
        await talk.perform(draft)
    else:
        await query.answer(_("moves.stale"), show_alert=True)
        return
    await query.answer()


async def member_toggled(
    query: CallbackQuery, callback_data: MemberToggle, principal: Principal | None, **data: Any
) -> None:
    own = await _own_draft(query, principal, data)
    if own is None:
        return
    talk, draft = own
    if await talk.state.get_state() != MoveFlow.picking.state or not await talk.toggle(draft, callback_data.u):
        await query.answer(_("moves.stale"), show_alert=True)
        return
    await query.answer()


async def to_my_question(message: Message, state: FSMContext) -> bool:
    """In private any text but a command; in a group only a reply to the question out for this person."""
    if message.text is None or message.text.startswith("/"):
        return False
    if message.chat.type not in GROUP_TYPES:
        return True
    draft = Draft.from_data(await state.get_data())
    replied = message.reply_to_message
    return draft is not None and replied is not None and replied.message_id == draft.question_id


def _reply_to(message: Message) -> int | None:
    return message.message_id if message.chat.type in GROUP_TYPES else None


async def answer_given(message: Message, principal: Principal | None, **data: Any) -> None:
    if principal is None or message.from_user is None:
        return
    talk = talk_for(message, message.from_user, principal, data)
    draft = await talk.draft()
    if draft is not None and message.text is not None:
        await talk.answer(draft, message.text, reply_to=_reply_to(message))


async def cancel(message: Message, principal: Principal | None, **data: Any) -> None:
    """/cancel during a move: nothing is changed."""
    if principal is None or message.from_user is None:
        return
    talk = talk_for(message, message.from_user, principal, data)
    draft = await talk.draft()
    if draft is not None:
        await talk.cancel(draft)


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    person = F.from_user
    router.message.register(status, Command("status"), person)
    router.message.register(cancel, Command("cancel"), StateFilter(MoveFlow), person)
    router.message.register(answer_given, MoveFlow.answering, person, to_my_question)
    router.callback_query.register(move_tapped, MoveTap.filter(), person)
    router.callback_query.register(draft_act, DraftAct.filter(), person)
    router.callback_query.register(member_toggled, MemberToggle.filter(), person)
    return router
