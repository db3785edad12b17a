"""Buttons of /projects: filter by landing unit and stage, and page through; the filter rides in the data."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.ids import Code, OptionalId
from domain.lifecycle import Stage


class Picking(StrEnum):
    NOTHING = ""  # the list
    UNIT = "u"  # choosing the landing unit
    STAGE = "s"  # choosing the stage


class ProjectsView(CallbackData, prefix="pv"):
    u: Code = ""  # landing unit code, "" for every unit
    s: Code = ""  # stage, "" for every stage
    p: OptionalId = 0  # page, 0-based
    k: Picking = Picking.NOTHING


def list_keyboard(
    view: ProjectsView,
    *,
    unit_label: str,
    stage_label: str,
    pages: int,
    urges: Sequence[InlineKeyboardButton] = (),
) -> InlineKeyboardMarkup:
    """The 催办 buttons of the listed projects (two a row), the filters, then the pages."""
    rows = [list(urges[i : i + 2]) for i in range(0, len(urges), 2)]
    rows += [
        [
            InlineKeyboardButton(
                text=_("projects.by_unit").format(unit=unit_label),
                callback_data=ProjectsView(u=view.u, s=view.s, k=Picking.UNIT).pack(),
            ),
            InlineKeyboardButton(
                text=_("projects.by_stage").format(stage=stage_label),
                callback_data=ProjectsView(u=view.u, s=view.s, k=Picking.STAGE).pack(),
            ),
        ]
    ]
    paging = []
    if view.p > 0:
        paging.append(
            InlineKeyboardButton(
                text=_("projects.previous"), callback_data=ProjectsView(u=view.u, s=view.s, p=view.p - 1).pack()
            )
        )
    if view.p + 1 < pages:
        paging.append(
            InlineKeyboardButton(
                text=_("projects.next"), callback_data=ProjectsView(u=view.u, s=view.s, p=view.p + 1).pack()
            )
        )
    if paging:
        rows.append(paging)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def unit_keyboard(view: ProjectsView, units: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    """Every landing unit as (code, name), and 全部."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("projects.all_units"), callback_data=ProjectsView(u="", s=view.s))
    for code, name in units:
        builder.button(text=name, callback_data=ProjectsView(u=code, s=view.s))
    builder.adjust(3)
    return builder.as_markup()


def stage_keyboard(view: ProjectsView) -> InlineKeyboardMarkup:
    """Every stage, and 全部."""
    builder = InlineKeyboardBuilder()
    builder.button(text=_("projects.all_stages"), callback_data=ProjectsView(u=view.u, s=""))
    for stage in Stage:
        builder.button(text=_("stage." + stage.value), callback_data=ProjectsView(u=view.u, s=stage.value))
    builder.adjust(3)
    return builder.as_markup()
