"""What the monthly progress messages say: the prompt and the reminders with a button to start the update, the
warnings and escalation, the group's summary of an update, and a unit's monthly report (一(四))."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiogram.utils.i18n import gettext as _

from bot.keyboards.progress import start_keyboard
from bot.notices import Notice, NoticeContext, facts, notice
from bot.render import render
from bot.texts import unit_name
from domain.progress import Phase
from domain.quantities import Currency, Money, format_money


def funds_text(amount: object) -> str:
    """元 as people read them: 3000万元, 0元."""
    return format_money(Money(Decimal(str(amount)), Currency.CNY))


def stage_text(stage: object, *, changed: bool | None = None) -> str:
    label = _(f"stage.{stage}")
    if changed is None:
        return label
    return (_("progress.stage_changed") if changed else _("progress.stage_same")).format(stage=label)


def _project_id(context: NoticeContext) -> int:
    return int(context.params["project_id"])


@notice("progress.prompt")
def prompt(context: NoticeContext) -> Notice:
    params = context.params
    text = render(
        "progress_prompt.j2",
        period=params["period"],
        unit=unit_name(context.directory, params["landing_unit"]),
        project=params["project_name"],
        due=params["due"],
    )
    return Notice(text, start_keyboard(_project_id(context)))


@notice("progress.reminder")
@notice("progress.warning")
def chase(context: NoticeContext) -> Notice:
    """A reminder or a warning, with the button that starts the update."""
    text = _(context.message_key).format_map(facts(context.params, context.directory))
    return Notice(text, start_keyboard(_project_id(context)))


@notice("progress.escalation")
@notice("progress.missing")
def plain(context: NoticeContext) -> Notice:
    return Notice(_(context.message_key).format_map(facts(context.params, context.directory)))


@notice("progress.update")
def summary(context: NoticeContext) -> Notice:
    params = context.params
    text = render(
        "progress_summary.j2",
        project=params["project_name"],
        period=params["period"],
        reporter=params.get("reporter", ""),
        revised=int(params.get("revision", 1)) > 1,
        stage=stage_text(params["stage"], changed=bool(params.get("stage_changed"))),
        funds=funds_text(params["funds"]),
        progress=params["progress"],
        problems=params.get("problems", ""),
        late=bool(params.get("late")),
    )
    return Notice(text)


@notice("progress.report")
def report(context: NoticeContext) -> Notice:
    params = context.params
    phases: dict[str, list[dict[str, Any]]] = params["phases"]
    shown = [
        (_(f"progress.report.phase.{phase.value}"), [_project(p) for p in phases.get(phase.value, [])])
        for phase in Phase
    ]
    text = render(
        "progress_report.j2",
        unit=unit_name(context.directory, params["unit"]),
        period=params["period"],
        count=sum(len(projects) for _label, projects in shown),
        phases=[(label, projects) for label, projects in shown if projects],
        funds=funds_text(params["funds"]),
        updates=[
            _project(u)
            | {"funds": funds_text(u["funds"]), "progress": u["progress"], "problems": u["problems"], "late": u["late"]}
            for u in params["updates"]
        ],
        overdue=[p["name"] for p in params["overdue"]],
    )
    return Notice(text)


def _project(project: dict[str, Any]) -> dict[str, Any]:
    return {"name": project["name"], "stage": stage_text(project["stage"])}
