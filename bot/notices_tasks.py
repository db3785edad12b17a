"""Notices of the 交办单: each step tells whose turn it is next (with their buttons) and the others what happened.

Every notice is the same card (bot/templates/tasks_notice.j2) under a headline that says what happened; what
it shows and which buttons it has depend on the notice. /tasks shows the same card with the reader's buttons.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.keyboards.tasks import task_keyboard
from bot.notices import Notice, NoticeContext, notice
from bot.render import render
from bot.texts import shorten, unit_name
from domain.directory import Directory
from domain.tasks import TaskMove, TaskStatus

# The buttons on the notices that ask for a step on the whole 交办单.
_STEP_BUTTONS = {
    "prepare_request": (TaskMove.PREPARE, TaskMove.RETURN_REPORT),
    "approve_request": (TaskMove.APPROVE, TaskMove.SEND_BACK),
    "issue_request": (TaskMove.ISSUE, TaskMove.REFER_BACK),
}
# The button under an item's alarm.
_ITEM_BUTTONS = {
    "item_reminder": TaskMove.COMPLETE_ITEM,
    "item_warning": TaskMove.COMPLETE_ITEM,
    "item_overdue": TaskMove.CRITICIZE,
}
_SHOWS_MATERIAL = frozenset({"prepare_request", "approve_request", "task_returned"})
# A 交办单 of 20 items of 500 characters would not fit in one message (4,096): the card shares this many characters
# among its items, and cuts the summary and the note, so the whole card always fits; the full texts stay stored.
ITEMS_ROOM: Final = 2000
SUMMARY_SHOWN: Final = 300


class _Blanks(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "—"


def task_card(
    params: Mapping[str, Any],
    directory: Directory,
    *,
    headline: str,
    kind: str,
    items: list[Mapping[str, Any]] | None = None,
    status_label: str = "",
    footer: str = "",
) -> str:
    """The 交办单 as a notice or a list entry shows it: `items` None shows them all."""
    shown = params.get("items", []) if items is None else items
    status = str(params.get("status", ""))
    # A report not yet sent has no number: it shows only the project it is about.
    number = _("tasks.label.number").format(id=params["request_id"]) if params.get("request_id") else ""
    if params.get("project_name"):
        number += _("tasks.label.project").format(project=params["project_name"])
    return render(
        "tasks_notice.j2",
        mention="",
        headline=headline,
        number=number,
        status_label=status_label,
        material=params.get("material", "") if kind in _SHOWS_MATERIAL else "",
        material_label=_("tasks.label.material").format(unit=unit_name(directory, str(params.get("unit", "")))),
        summary=shorten(params.get("summary", ""), SUMMARY_SHOWN),
        items=[_item_view(item, directory, ITEMS_ROOM // max(1, len(shown))) for item in shown],
        note=shorten(params.get("note", ""), SUMMARY_SHOWN)
        if status in (TaskStatus.REPORTED, TaskStatus.RETURNED)
        else "",
        footer=footer,
    )


def _item_view(item: Mapping[str, Any], directory: Directory, room: int) -> dict[str, str]:
    """One item's line and explanation within `room` characters (two thirds for what is to be done)."""
    day = item.get("due_on") or item.get("deadline")
    due = _("tasks.item.due").format(day=day) if day else _("tasks.item.due_on_issue")
    line = _("tasks.item.line").format(
        seq=item.get("seq", ""),
        unit=unit_name(directory, str(item.get("unit", ""))),
        what=shorten(item.get("what", ""), max(40, room * 2 // 3)),
        due=due,
    )
    if item.get("status") == "done":
        line = _("tasks.item.done").format(line=line)
    explanation = shorten(item.get("explanation", ""), max(20, room // 3)) if item.get("explanation") else ""
    return {"line": line, "explanation": _("tasks.item.explanation").format(text=explanation) if explanation else ""}


def headline(kind: str, params: Mapping[str, Any], directory: Directory) -> str:
    """What happened, for a notice of `kind` (an event's for the plain updates)."""
    item = params.get("item") or {}
    after = params.get("after") or {}
    unit_code = str(item.get("unit") or after.get("unit") or params.get("for_unit") or params.get("unit", ""))
    seq = item.get("seq") or after.get("seq") or ""
    if kind == "update" or (kind == "prepare_request" and params.get("event") == "task_sent_back"):
        key = "tasks.event." + str(params.get("event", ""))
        if params.get("event") == "task_item_done":
            unit_code = _unit_of_item(params, after.get("item_id")) or unit_code
    else:
        key = "tasks.head." + kind
    facts = _Blanks(unit=unit_name(directory, unit_code), seq=seq, due=item.get("due_on") or "—")
    text = _(key)
    return text.format_map(facts) if text != key else ""


def _unit_of_item(params: Mapping[str, Any], item_id: object) -> str:
    for item in params.get("items", []):
        if item.get("id") == item_id:
            return str(item.get("unit", ""))
    return ""


def task_notice(context: NoticeContext) -> Notice | None:
    params, directory = context.params, context.directory
    kind = context.message_key.removeprefix("task.")
    items: list[Mapping[str, Any]] | None = None
    markup: InlineKeyboardMarkup | None = None
    request_id = int(params.get("request_id") or 0)
    if kind in _STEP_BUTTONS:
        markup = task_keyboard(request_id, _STEP_BUTTONS[kind])
    elif kind == "assigned":
        items = [i for i in params.get("items", []) if i.get("unit") == params.get("for_unit")]
        markup = task_keyboard(request_id, (), [(int(i["id"]), int(i["seq"]), TaskMove.COMPLETE_ITEM) for i in items])
    elif "item" in params:
        items = [params["item"]]
        move = _ITEM_BUTTONS.get(kind)
        if move is not None:
            markup = task_keyboard(request_id, (), [(int(params["item"]["id"]), int(params["item"]["seq"]), move)])
    title = headline(kind, params, directory)
    if not title:
        return None
    event = str(params.get("event", ""))
    shown_kind = event if kind == "update" else kind
    return Notice(task_card(params, directory, headline=title, kind=shown_kind, items=items), markup)


for _key in (
    "prepare_request",
    "approve_request",
    "issue_request",
    "assigned",
    "update",
    "item_reminder",
    "item_warning",
    "item_overdue",
    "item_escalation",
):
    notice("task." + _key)(task_notice)
