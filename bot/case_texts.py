"""The case as a leader reads it: a few lines on the approval request, and the whole form on 查看审批表.

The request's lines come from the snapshot the request carries (services.case.case_summary); the whole form from
the project as it stands (services.case.read_case). Words are in the catalogs and templates; this module only
picks them and puts the record's values in.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from aiogram.utils.i18n import gettext as _
from markupsafe import Markup

from bot.flows.form import answer_label, applies, choice_label, spec_of
from bot.render import render
from bot.step_texts import DECISION_OF, result_label, step_label
from bot.texts import TEXT_MAX, shorten, unit_name
from domain.approval import Actor, StepAction
from domain.directory import Directory, Role
from domain.form import FORM_FIELDS
from domain.quantities import Currency, Money, format_money, format_mu
from domain.records import StepStatus
from services.case import CaseFile, meeting_facts, opinion_facts, step_facts

# An opinion or a comment takes one line of the request: this many characters, the rest on 查看审批表.
LINE_MAX = 60


def _money(value: Mapping[str, str] | None) -> str:
    if value is None:
        return _("case.unknown")
    return format_money(Money(Decimal(value["amount"]), Currency(value["currency"])))


def _land(needs_land: bool | None, land_mu: str | None) -> str:
    if needs_land is None:
        return _("case.unknown")
    if not needs_land:
        return _("case.no_land")
    return _("case.land").format(mu=format_mu(Decimal(land_mu))) if land_mu is not None else _("case.unknown")


def _yes_no(value: bool | None) -> str:
    return _("case.unknown") if value is None else (_("form.yes") if value else _("form.no"))


def _meeting_line(meeting: Mapping[str, Any], limit: int) -> str:
    line = _("case.meeting").format(
        meeting=_("case.meeting_kind." + str(meeting["kind"]).lower()),
        outcome=_("outcome." + str(meeting["outcome"])),
        date=meeting["held_on"],
        minutes=meeting["minutes_no"],
    )
    note = meeting["note"]
    return line + (_("case.note").format(note=shorten(note, limit)) if note else "")


def _decided_line(step: Mapping[str, Any], directory: Directory, limit: int) -> str:
    actor = Actor[str(step["actor"])]
    decision = DECISION_OF[StepStatus(step["status"])]
    when = step["meeting_held_on"] if actor.is_meeting and step.get("meeting_held_on") else step["on"]
    line = _("case.decided").format(
        step=step_label(actor, StepAction[str(step["action"])], Role.parse(str(step["holder"])), directory),
        result=result_label(decision, meeting=actor.is_meeting),
        by=step["by"] if not actor.is_meeting else _("case.minutes").format(minutes=step.get("minutes_no", "")),
        date=when or "",
    )
    return line + (_("case.comment").format(comment=shorten(step["comment"], limit)) if step["comment"] else "")


def _opinion_line(opinion: Mapping[str, Any], directory: Directory, limit: int) -> str:
    return _("case.opinion").format(
        kind=_("case.opinion_kind." + str(opinion["kind"])),
        unit=unit_name(directory, str(opinion["unit"])),
        inspector=opinion["inspector"],
        date=opinion["given_on"],
        text=shorten(opinion["text"], limit),
    )


def case_lines(case: Mapping[str, Any], directory: Directory) -> Markup:
    """The request's summary of the case (HTML): unit, category, 总投资, 用地, 一事一议, the route so far, the
    meetings and the opinions, each in one line."""
    category = case.get("category")
    return Markup(
        render(
            "case_summary.j2",
            unit=unit_name(directory, str(case["landing_unit"])),
            category=choice_label(spec_of("category"), str(category)) if category else _("case.unknown"),
            investment=_money(case.get("total_investment")),
            land=_land(case.get("needs_land"), case.get("land_mu")),
            fiscal=_yes_no(case.get("special_fiscal_support")),
            seq=case.get("step_seq"),
            count=case.get("step_count"),
            decided=[_decided_line(s, directory, LINE_MAX) for s in case.get("decided", [])],
            meetings=[_meeting_line(m, LINE_MAX) for m in case.get("meetings", [])],
            opinions=[_opinion_line(o, directory, LINE_MAX) for o in case.get("opinions", [])],
        )
    )


def whole_case(case: CaseFile, directory: Directory) -> list[str]:
    """Every field of the 审批表 and everything recorded on it, as messages within Telegram's length."""
    project, form = case.project, case.project.form
    fields = [
        {"label": _("field." + spec.name), "value": answer_label(spec, getattr(form, spec.name), directory)}
        for spec in FORM_FIELDS
        if applies(spec, form)
    ]
    meetings = [_meeting_line(meeting_facts(m), TEXT_MAX) for m in project.meetings]
    opinions = [_opinion_line(opinion_facts(o), directory, TEXT_MAX) for o in project.opinions]
    steps = [
        _decided_line(step_facts(s, case.decided_by), directory, TEXT_MAX)
        for s in project.steps
        if s.status in DECISION_OF
    ]
    text = render(
        "case_full.j2",
        project=project,
        unit=unit_name(directory, project.landing_unit),
        fields=fields,
        argued_on=project.argued_on,
        meetings=meetings,
        opinions=opinions,
        steps=steps,
    )
    return split_message(text)


def split_message(text: str, limit: int = TEXT_MAX) -> list[str]:
    """`text` in messages of at most `limit` characters, cut between lines (a line longer than that is cut)."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts
