"""What the 审批表 conversation shows: a question, the review card and the route, each text with its buttons."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiogram.types import ForceReply, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from markupsafe import Markup

from bot.flows.form import ARGUED_ON, answer_label, option_label, option_values, progress, questions
from bot.keyboards.form import answer_field, argument_keyboard, confirm_keyboard, options_keyboard, review_keyboard
from bot.render import render
from bot.texts import role_label
from domain.approval import Actor
from domain.directory import Directory
from domain.form import FORM_FIELDS, FieldKind, FieldSpec
from domain.lifecycle import Stage
from domain.project import Project

# Answers on the card are cut to this many characters so the card stays one message.
CARD_VALUE_MAX = 60


@dataclass(frozen=True)
class Shown:
    """A message to send, and what its option buttons stand for (by index)."""

    text: str
    markup: InlineKeyboardMarkup | ForceReply
    options: list[str] = field(default_factory=list)


def question(project: Project, spec: FieldSpec, directory: Directory, *, mention: str, problem: str = "") -> Shown:
    """The question for one field: its buttons if it has choices, else a reply field; `mention` in a group."""
    arguing = spec is ARGUED_ON
    label = _("form.argument.label") if arguing else _("field." + spec.name)
    required = arguing or spec.required(project.form)
    values = [] if arguing else option_values(spec, project.landing_unit, directory)
    number, total = (0, 0) if arguing else progress(project.form, spec.name)
    text = render(
        "form_question.j2",
        problem=Markup(problem),  # catalog words around input that error_text or quote() escaped
        mention=mention,
        project_name="" if mention else project.name,  # a group has one project; a private chat may have several
        label=label,
        number=number,
        total=total,
        required=required,
        hint="" if values else _("hint." + spec.kind.value),  # with buttons, `how` says it all
        current="" if arguing else answer_label(spec, getattr(project.form, spec.name), directory),
        how=_how(spec.kind, buttons=bool(values), in_group=bool(mention)),
    )
    if not values:
        return Shown(text, answer_field(label))
    labels = [option_label(spec, value, directory) for value in values]
    return Shown(text, options_keyboard(labels, skippable=not required), values)


def _how(kind: FieldKind, *, buttons: bool, in_group: bool) -> str:
    if kind is FieldKind.UNIT:
        return _("form.how.tap_or_reply") if in_group else _("form.how.tap_or_type")
    if buttons:
        return _("form.how.tap")
    return _("form.how.reply") if in_group else ""


def review_card(project: Project, directory: Directory, *, mention: str) -> Shown:
    """Every field the form asks, answered or 未填, required ones marked; a button per field, 提交 and 暂停."""
    form = project.form
    rows = []
    for spec in questions(form):
        value = answer_label(spec, getattr(form, spec.name), directory)
        shown = value if len(value) <= CARD_VALUE_MAX else value[: CARD_VALUE_MAX - 1] + "…"
        rows.append({"label": _("field." + spec.name), "value": shown, "required": spec.required(form)})
    text = render(
        "form_review.j2",
        mention=mention,
        project_name=project.name,
        stage=_("stage." + project.stage.value),
        rows=rows,
        missing=_("form.separator").join(_("field." + name) for name in form.missing_fields()),
    )
    buttons = [(FORM_FIELDS.index(spec), _("field." + spec.name)) for spec in questions(form)]
    return Shown(text, review_keyboard(buttons))


def route_card(project: Project, directory: Directory, *, mention: str) -> Shown:
    """The approval route the form calls for, and what to tap: 确认上报, or 论证已完成 while still at 谋划."""
    needs_argument = project.stage is Stage.PLANNING
    steps = [
        _("form.route.step").format(
            actor=_actor(project, step.actor, directory), action=_(f"form.action.{step.action.name.lower()}")
        )
        for step in project.route()
    ]
    text = render(
        "form_route.j2",
        mention=mention,
        project_name=project.name,
        steps=steps,
        argued_on=project.argued_on,
        needs_argument=needs_argument,
    )
    return Shown(text, argument_keyboard() if needs_argument else confirm_keyboard())


def _actor(project: Project, actor: Actor, directory: Directory) -> str:
    # The deputy is named by post (分管工业副县长...): the category decides which one it is.
    if actor is Actor.DEPUTY_HEAD:
        return role_label(project.deputy, directory)
    return _(f"form.actor.{actor.name.lower()}")
