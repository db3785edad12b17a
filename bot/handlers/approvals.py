"""Taps on 同意 / 不同意 / 退回修改 (通过 / 不通过 for a meeting step): the step's holder decides it.

The button carries only the step id and the decision. Who may decide is the database's answer on every tap:
anyone but the holder is told who may, a step already decided says by whom, a forged id says it does not exist;
none of them changes anything. The holder is then asked what the decision needs (bot.flows.moves).
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message, User
from aiogram.utils.i18n import gettext as _

from bot.flows.moves import Draft, questions_for
from bot.flows.moves_talk import MoveTalk
from bot.keyboards.moves import StepDecision
from bot.step_texts import decided_text, result_label, step_label
from bot.taps import in_chat_of, refused_off_message
from bot.texts import role_label
from domain.directory import Directory, Role
from domain.lifecycle import IllegalTransition, Move, NotAllowed
from domain.project import Principal, StepClosed, StepNotFound
from services import projects as uc
from storage.uow import Database

GROUP_TYPES = frozenset({"group", "supergroup"})


def talk_for(message: Message, user: User, principal: Principal, data: dict[str, Any]) -> MoveTalk:
    """The move conversation of `user` (who tapped or wrote) in the chat of `message`."""
    return MoveTalk(
        bot=data["bot"],
        chat_id=message.chat.id,
        in_group=message.chat.type in GROUP_TYPES,
        user=user,
        principal=principal,
        state=data["state"],
        db=data["db"],
        directory=data["directory"],
        clock=data["clock"],
    )


async def decision_tapped(
    query: CallbackQuery, callback_data: StepDecision, principal: Principal | None, **data: Any
) -> None:
    db: Database = data["db"]
    directory: Directory = data["directory"]
    message = query.message
    if principal is None or not principal.roles or not isinstance(message, Message):
        await query.answer(_("moves.unbound"), show_alert=True)
        return
    step_id = callback_data.step
    try:
        # The request reaches the holder in private and the project's group: a press anywhere else is forged.
        if not in_chat_of(query, (await uc.view_step(db, step_id=step_id)).project.group_chat_id):
            await query.answer(_("taps.wrong_chat"), show_alert=True)
            return
        project, step = await uc.step_to_decide(db, person_id=principal.person_id, step_id=step_id)
    except StepNotFound:
        await query.answer(_("moves.step_not_found"), show_alert=True)
        return
    except StepClosed:
        view = await uc.view_step(db, step_id=step_id)
        talk = talk_for(message, query.from_user, principal, data)
        await talk.show_decided(message.message_id, decided_text(view, directory))
        await query.answer(_("moves.step_closed"), show_alert=True)
        return
    except NotAllowed as refusal:
        holder = role_label(Role.parse(str(refusal.params["holder"])), directory)
        await query.answer(_("moves.only_holder").format(holder=holder), show_alert=True)
        return
    except IllegalTransition:
        await query.answer(_("moves.stale"), show_alert=True)
        return
    assert project.id is not None and step.id is not None
    if await refused_off_message(query):
        return
    talk = talk_for(message, query.from_user, principal, data)
    if await talk.is_started(
        Move.DECIDE_STEP, step_id=step.id, choice=callback_data.d.value, origin=message.message_id
    ):
        await query.answer(_("taps.already_started"), show_alert=True)
        return
    meeting = step.actor.is_meeting
    label = step_label(step.actor, step.action, step.holder, directory)
    result = result_label(callback_data.d, meeting=meeting)
    draft = Draft(
        move=Move.DECIDE_STEP,
        project_id=project.id,
        origin_id=message.message_id,
        title=_("moves.title.decision").format(project=project.name, step=label, result=result),
        step_id=step.id,
        choice=callback_data.d.value,
        pending=questions_for(Move.DECIDE_STEP, decision=callback_data.d, meeting=meeting),
    )
    await talk.start(draft)
    await query.answer()


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    router.callback_query.register(decision_tapped, StepDecision.filter(), F.from_user)
    return router
