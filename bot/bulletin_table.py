"""The 通报 and 赛拼 as .xlsx workbooks: one sheet per table, headers in the reader's language, numbers as
numbers (so the office can sort and add them up in Excel / WPS)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from aiogram.utils.i18n import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.bulletin_render import unit_name
from domain.bulletin import MonthlyBulletin, QuarterlyContest, UnitMonth
from domain.directory import Directory
from domain.lifecycle import Stage

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | float | None


@dataclass(frozen=True)
class Tables:
    """The sheets of a workbook, every text already in the reader's language; `save` writes the .xlsx (slow
    enough to run in a worker thread)."""

    sheets: Sequence[tuple[str, list[str], list[list[Cell]]]]

    def save(self) -> bytes:
        return _workbook(self.sheets)


def monthly_workbook(bulletin: MonthlyBulletin, directory: Directory) -> Tables:
    """Sheet 1: each unit's figures and the county's; sheet 2: each unit's projects by stage at the month's end."""
    rows = [*bulletin.units, bulletin.county]
    figures: list[list[Cell]] = [
        [
            unit_name(directory, row.unit),
            row.in_pipeline,
            row.new,
            row.signed,
            row.landed,
            row.started,
            row.overdue_updates,
            row.major_manufacturing,
            _number(row.major_manufacturing_plan),
            row.major_industry,
            _number(row.major_industry_plan),
        ]
        for row in rows
    ]
    headers = [
        _(f"bulletin.col.{key}")
        for key in (
            "unit",
            "pipeline",
            "new",
            "signed",
            "landed",
            "started",
            "overdue",
            "mm_actual",
            "mm_plan",
            "mi_actual",
            "mi_plan",
        )
    ]
    stages: list[list[Cell]] = [[unit_name(directory, row.unit), *_stage_counts(row)] for row in rows]
    stage_headers = [_("bulletin.col.unit"), *(_("stage." + s.value) for s in Stage)]
    return Tables([(_("bulletin.sheet.units"), headers, figures), (_("bulletin.sheet.stages"), stage_headers, stages)])


def contest_workbook(contest: QuarterlyContest, directory: Directory) -> Tables:
    """Sheet 1: the ranking with 加分, 扣分 and total; sheet 2: every 加扣分 line with its reason and project."""
    ranking = [
        [e.rank, unit_name(directory, e.unit), _number(e.added), _number(e.deducted), _number(e.total)]
        for e in contest.entries
    ]
    lines = [
        [
            unit_name(directory, e.unit),
            _("bulletin.reason." + line.reason.value),
            contest.project_names.get(line.project_id or "", "") if line.project_id else "",
            _number(line.points),
        ]
        for e in contest.entries
        for line in e.lines
    ]
    ranking_headers = [_(f"bulletin.col.{k}") for k in ("rank", "unit", "added", "deducted", "total")]
    line_headers = [_(f"bulletin.col.{k}") for k in ("unit", "reason", "project", "points")]
    return Tables(
        [(_("bulletin.sheet.ranking"), ranking_headers, ranking), (_("bulletin.sheet.lines"), line_headers, lines)]
    )


def _stage_counts(row: UnitMonth) -> list[int]:
    return [row.stages.get(stage.value, 0) for stage in Stage]


def _number(value: Decimal | None) -> float | int | None:
    """A Decimal as Excel stores numbers: whole numbers as int, others as float (points are halves at most)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _workbook(sheets: Sequence[tuple[str, list[str], list[list[Cell]]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=title[:31])  # Excel's limit on a sheet's name
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "B2"
        _fit_columns(sheet, headers, rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fit_columns(sheet: Worksheet, headers: list[str], rows: list[list[Cell]]) -> None:
    for index, header in enumerate(headers, start=1):
        values = [header, *(str(row[index - 1] or "") for row in rows)]
        # A Chinese character is about two Latin ones wide.
        width = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in value) for value in values)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 40)
