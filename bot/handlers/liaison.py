"""驻外招商联络处 in private chats: /report (the office's monthly report), /visit (its 联系县领导's follow-up
visit), /liaison (the latest reports and visits), and the buttons under the prompt, the report and a reminder.

Buttons carry an office code or a report id only; who may use them is read from the database on every tap.
"""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _

from bot.flows.liaison import Draft, LiaisonFlow, month_text, office_name, report_sections, report_title
from bot.flows.liaison_talk import LiaisonTalk
from bot.keyboards.liaison import ReportTap, TalkAct, TalkAction, VisitTap, offices_keyboard
from bot.render import render
from bot.taps import in_own_private_chat, refused_off_message
from bot.texts import NAME_SHOWN, TITLE_SHOWN, quote
from domain.calendar import SHANGHAI
from domain.directory import Directory
from domain.liaison import ReportQuestion, contact_leader
from domain.project import Principal
from services import liaison as uc
from zhikong.clock import Clock

PRIVATE = F.chat.type == "private"
# How much of each answer /liaison shows: four offices' reports must fit one message.
SHOWN_CHARACTERS = 120


def _talk(chat_id: int, principal: Principal, data: dict[str, Any]) -> LiaisonTalk:
    return LiaisonTalk(
        bot=data["bot"],
        chat_id=chat_id,
        person_id=principal.person_id,
        state=data["state"],
        db=data["db"],
        directory=data["directory"],
        rules=data["rules"],
        clock=data["clock"],
    )


def _bound(principal: Principal | None) -> Principal | None:
    return principal if principal is not None and principal.roles else None


async def _unbound(message: Message) -> None:
    user = message.from_user
    assert user is not None
    await message.answer(_("start.unbound").format(name=quote(user.full_name, NAME_SHOWN), telegram_id=user.id))


# ---- the monthly report -------------------------------------------------------------------------------------
async def _start_report(chat_id: int, principal: Principal, data: dict[str, Any], office: str | None) -> str | None:
    """Start the report the person's office owes now; else the words that say why there is none."""
    slots = await uc.report_slots(
        data["db"], data["directory"], data["rules"], person_id=principal.person_id, now=data["clock"].now()
    )
    if office is not None:
        slots = [slot for slot in slots if slot.office == office]
    if not slots:
        return _("liaison.not_staff")
    owed = [slot for slot in slots if slot.submitted is None]
    if not owed:
        done = slots[0]
        assert done.submitted is not None
        title = report_title(data["directory"], done.office, done.cycle.month)
        day = done.submitted.submitted_at.astimezone(SHANGHAI).date().isoformat()
        return _("liaison.report_done").format(title=quote(title, TITLE_SHOWN), day=day)
    await _talk(chat_id, principal, data).start(Draft.report(owed[0].office, owed[0].cycle.month))
    return None


async def report_command(message: Message, principal: Principal | None, **data: Any) -> None:
    """/report: the office's monthly report, question by question."""
    if message.chat.type != "private":
        await message.reply(_("liaison.private_only"))
        return
    bound = _bound(principal)
    if bound is None:
        await _unbound(message)
        return
    refusal = await _start_report(message.chat.id, bound, data, None)
    if refusal:
        await message.answer(refusal)


async def report_tapped(
    query: CallbackQuery, callback_data: ReportTap, principal: Principal | None, **data: Any
) -> None:
    """📝 填写月报 under a prompt or a reminder."""
    bound = _bound(principal)
    if bound is None or not isinstance(query.message, Message):
        await query.answer(_("liaison.not_your_button"), show_alert=True)
        return
    if not in_own_private_chat(query):  # the 联络处's prompts and reminders go to private chats only
        await query.answer(_("taps.private_only"), show_alert=True)
        return
    if await refused_off_message(query):
        return
    refusal = await _start_report(query.message.chat.id, bound, data, callback_data.o)
    await query.answer(refusal or None, show_alert=bool(refusal))


# ---- visits -------------------------------------------------------------------------------------------------
async def visit_command(message: Message, principal: Principal | None, directory: Directory, **data: Any) -> None:
    """/visit: the 联系县领导 records a follow-up visit (which office's, if they contact several)."""
    if message.chat.type != "private":
        await message.reply(_("liaison.private_only"))
        return
    bound = _bound(principal)
    if bound is None:
        await _unbound(message)
        return
    offices = uc.offices_led_by(bound, directory)
    if not offices:
        await message.answer(_("liaison.not_leader"))
    elif len(offices) == 1:
        await _talk(message.chat.id, bound, data | {"directory": directory}).start(Draft.visit(offices[0]))
    else:
        picks = [(code, office_name(directory, code)) for code in offices]
        await message.answer(_("liaison.pick_office"), reply_markup=offices_keyboard(picks))


async def visit_tapped(query: CallbackQuery, callback_data: VisitTap, principal: Principal | None, **data: Any) -> None:
    """🤝 记录走访 under a report or a gap reminder, or an office picked after /visit: only its 联系县领导."""
    bound = _bound(principal)
    if bound is None or not isinstance(query.message, Message):
        await query.answer(_("liaison.not_your_button"), show_alert=True)
        return
    if not in_own_private_chat(query):
        await query.answer(_("taps.private_only"), show_alert=True)
        return
    if callback_data.r:
        report = await uc.report_to_follow(data["db"], person_id=bound.person_id, report_id=callback_data.r)
        draft = Draft.visit(report.office, report.id or 0)
    elif bound.holds(contact_leader(callback_data.o)):
        draft = Draft.visit(callback_data.o)
    else:
        await query.answer(_("liaison.not_your_button"), show_alert=True)
        return
    if await refused_off_message(query):
        return
    await _talk(query.message.chat.id, bound, data).start(draft)
    await query.answer()


# ---- the conversation ---------------------------------------------------------------------------------------
async def _conversation(
    message: Message, principal: Principal | None, data: dict[str, Any]
) -> tuple[LiaisonTalk, Draft] | None:
    """This person's conversation and its draft, if they are bound and have one in progress here."""
    bound = _bound(principal)
    if bound is None:
        return None
    talk = _talk(message.chat.id, bound, data)
    draft = await talk.draft()
    return None if draft is None else (talk, draft)


async def answer_given(message: Message, principal: Principal | None, **data: Any) -> None:
    if message.text is not None and (found := await _conversation(message, principal, data)):
        talk, draft = found
        await talk.answer(draft, message.text)


async def typed_at_review(message: Message, principal: Principal | None, **data: Any) -> None:
    """Text typed while the report waits for 提交: show it again, the buttons decide."""
    if found := await _conversation(message, principal, data):
        talk, draft = found
        await talk.review(draft)


async def skip_command(message: Message, principal: Principal | None, **data: Any) -> None:
    if found := await _conversation(message, principal, data):
        talk, draft = found
        await talk.skip(draft)


async def cancel_command(message: Message, principal: Principal | None, **data: Any) -> None:
    if found := await _conversation(message, principal, data):
        talk, draft = found
        await talk.cancel(draft)


async def talk_act(query: CallbackQuery, callback_data: TalkAct, principal: Principal | None, **data: Any) -> None:
    """跳过, 取消, 提交, 重新填写: only on the message the tapper's conversation is waiting on."""
    bound = _bound(principal)
    message = query.message
    if bound is None or not isinstance(message, Message):
        await query.answer(_("liaison.not_your_button"), show_alert=True)
        return
    talk = _talk(message.chat.id, bound, data)
    draft = await talk.draft()
    if draft is None or draft.message_id != message.message_id:
        await query.answer(_("liaison.not_your_button"), show_alert=True)
        return
    if await refused_off_message(query):
        return
    await query.answer()
    action = callback_data.a
    reviewing = draft.is_report and not draft.pending
    if action is TalkAction.CANCEL:
        await talk.cancel(draft)
    elif action is TalkAction.SKIP and not reviewing:
        await talk.skip(draft)
    elif action is TalkAction.SUBMIT and reviewing:
        await talk.submit(draft)
    elif action is TalkAction.RESTART and reviewing:
        await talk.restart(draft)


# ---- /liaison -----------------------------------------------------------------------------------------------
def _short(text: str) -> str:
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"


async def overview_command(message: Message, principal: Principal | None, directory: Directory, **data: Any) -> None:
    """/liaison: each office's report asked for now, its latest report and its latest visits."""
    bound = _bound(principal)
    if bound is None:
        await _unbound(message)
        return
    clock: Clock = data["clock"]
    now = clock.now()
    views = await uc.overview(data["db"], directory, data["rules"], person_id=bound.person_id, now=now)
    if not views:
        await message.answer(_("liaison.overview.none"))
        return
    today = now.astimezone(SHANGHAI).date()
    offices = []
    for view in views:
        latest = view.latest_report
        offices.append(
            {
                "name": office_name(directory, view.office),
                "open_month": month_text(view.cycle.month),
                "open_day": view.open_report.submitted_at.astimezone(SHANGHAI).date().isoformat()
                if view.open_report
                else "",
                "due": view.cycle.due.isoformat(),
                "late": today > view.cycle.due,
                "latest_month": month_text(latest.month) if latest else "",
                "latest": [
                    (label, _short(answer))
                    for label, answer in report_sections({q.value: latest.answer(q) for q in ReportQuestion})
                ]
                if latest
                else [],
                "visits": [
                    {"visited_on": v.visited_on, "whom": _short(v.whom), "outcome": _short(v.outcome)}
                    for v in view.visits
                ],
            }
        )
    await message.answer(render("liaison_overview.j2", offices=offices))


def router() -> Router:
    """A fresh router with this feature's handlers (a router can join only one dispatcher)."""
    router = Router(name=__name__)
    person = F.from_user
    asking = StateFilter(LiaisonFlow.reporting, LiaisonFlow.visiting)
    typed = F.text & ~F.text.startswith("/")
    router.message.register(report_command, Command("report"), person)
    router.message.register(visit_command, Command("visit"), person)
    router.message.register(overview_command, Command("liaison"), person)
    router.message.register(cancel_command, Command("cancel"), StateFilter(LiaisonFlow), PRIVATE, person)
    router.message.register(skip_command, Command("skip"), LiaisonFlow.reporting, PRIVATE, person)
    router.message.register(answer_given, asking, PRIVATE, typed, person)
    router.message.register(typed_at_review, LiaisonFlow.reviewing, PRIVATE, typed, person)
    router.callback_query.register(report_tapped, ReportTap.filter(), person)
    router.callback_query.register(visit_tapped, VisitTap.filter(), person)
    router.callback_query.register(talk_act, TalkAct.filter(), person)
    return router
