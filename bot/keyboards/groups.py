"""Buttons for binding a group to a project: pick an unbound project, or open a new one for a unit."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.keyboards.ids import Code, Id
from domain.directory import Directory
from domain.project import Project


class BindProject(CallbackData, prefix="bind"):
    project_id: Id


class NewProject(CallbackData, prefix="newp"):
    unit: Code  # a landing unit's code; "" asks which unit first


def binding_keyboard(projects: list[Project], can_open_new: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for project in projects[:20]:
        builder.button(text=project.name, callback_data=BindProject(project_id=project.id or 0))
    if can_open_new:
        builder.button(text=_("group.new_project"), callback_data=NewProject(unit=""))
    builder.adjust(1)
    return builder.as_markup()


def unit_keyboard(units: list[str], directory: Directory) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code in units:
        builder.button(text=directory.unit(code).name, callback_data=NewProject(unit=code))
    builder.adjust(3)
    return builder.as_markup()
