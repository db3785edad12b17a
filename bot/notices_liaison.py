"""Notices of the 联络处 feature: the prompt and the alarms of the monthly report, the report itself to the
联系县领导 (with 🤝 记录走访), the visit told to the office, and the reminder of a leader who has not visited."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from aiogram.utils.i18n import gettext as _

from bot.flows.liaison import month_text, office_name, report_sections, report_title
from bot.keyboards.liaison import report_button, visit_button
from bot.notices import Notice, NoticeContext, notice
from bot.render import render

# Chasing the report: the office's people get a button to write it, the escalation's readers do not.
_CHASING = ("liaison.prompt", "liaison.reminder", "liaison.warning", "liaison.escalation")


def _shown(context: NoticeContext) -> dict[str, str]:
    params: Mapping[str, Any] = context.params
    return {
        "office": html.escape(office_name(context.directory, str(params.get("office", "")))),
        "month": html.escape(month_text(str(params["month"]))) if params.get("month") else "",
        **{key: html.escape(str(params[key])) for key in ("due", "late_days", "since", "days") if key in params},
    }


def chase(context: NoticeContext) -> Notice:
    key = context.message_key
    text = _("liaison.notice." + key.removeprefix("liaison.")).format_map(_shown(context))
    office = str(context.params.get("office", ""))
    return Notice(text, None if key == "liaison.escalation" else report_button(office))


for _key in _CHASING:
    notice(_key)(chase)


@notice("liaison.visit_gap")
def visit_gap(context: NoticeContext) -> Notice:
    text = _("liaison.notice.visit_gap").format_map(_shown(context))
    return Notice(text, visit_button(office=str(context.params.get("office", ""))))


@notice("liaison.report")
def report(context: NoticeContext) -> Notice:
    params = context.params
    answers = {key: str(params.get(key, "")) for key in ("leads", "activities", "next_plan", "coordination")}
    text = render(
        "liaison_report.j2",
        title=report_title(context.directory, str(params["office"]), str(params["month"])),
        reporter=str(params.get("reporter", "")),
        late=bool(params.get("late")),
        sections=report_sections(answers),
    )
    return Notice(text, visit_button(report_id=int(params["report_id"])))


@notice("liaison.visit")
def visit(context: NoticeContext) -> Notice:
    params = context.params
    text = render(
        "liaison_visit.j2",
        leader=str(params.get("leader", "")),
        day=str(params.get("visited_on", "")),
        whom=str(params.get("whom", "")),
        outcome=str(params.get("outcome", "")),
        office=office_name(context.directory, str(params.get("office", ""))),
    )
    return Notice(text)
