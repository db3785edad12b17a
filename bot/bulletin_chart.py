"""The chart of a 通报 (projects per unit by stage) or a 赛拼 (points per unit), as a PNG.

Drawn with matplotlib's Agg backend through its object API (no pyplot state), in a worker thread so the bot's
event loop keeps serving. The texts are looked up first, in the reader's language, and handed to the thread.
Chinese needs a CJK font and the machine may have none: the Noto Sans CJK collection ships as a PyPI wheel
(noto-cjk-sans-otc, a dependency), and its Simplified Chinese face is registered with matplotlib here.
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from aiogram.utils.i18n import gettext as _
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.bulletin_render import contest_title, monthly_title, unit_name
from domain.bulletin import MonthlyBulletin, QuarterlyContest
from domain.directory import Directory
from domain.lifecycle import Stage

log = logging.getLogger(__name__)

CJK_FAMILY = "Noto Sans CJK SC"
# What is drawn when the CJK font is missing: Latin text draws, Chinese would show as boxes.
FALLBACK_FAMILY = "DejaVu Sans"

# The stages grouped into the bars' segments, in the lifecycle's order (终止 and 不同意 are left out).
STAGE_GROUPS: tuple[tuple[str, frozenset[Stage]], ...] = (
    (
        "early",
        frozenset({Stage.PLANNING, Stage.ARGUED, Stage.SUBMITTED, Stage.SCREENED, Stage.REVIEWED, Stage.NEGOTIATING}),
    ),
    ("approval", frozenset({Stage.APPROVING, Stage.RETURNED, Stage.APPROVED})),
    ("signed", frozenset({Stage.SIGNED})),
    ("land", frozenset({Stage.LISTED, Stage.DELISTED})),
    ("started", frozenset({Stage.STARTED})),
)
_COLOURS = ("#9fb7d4", "#f2b134", "#4f9d69", "#7a5195", "#d45087")
_ADDED, _DEDUCTED = "#4f9d69", "#d1495b"

_font_lock = threading.Lock()
_font_family: str | None = None


def font_family() -> str:
    """The family the charts use: Noto Sans CJK SC from its wheel, registered once per process."""
    global _font_family
    with _font_lock:
        if _font_family is None:
            _font_family = _register_cjk_font()
        return _font_family


def _register_cjk_font() -> str:
    try:
        import noto_cjk_sans_otc

        font_manager.fontManager.addfont(str(noto_cjk_sans_otc.FONT_PATH))
    except (ImportError, OSError, RuntimeError):
        log.warning("the CJK font (noto-cjk-sans-otc) is missing: chart labels in Chinese will not draw")
        return FALLBACK_FAMILY
    return CJK_FAMILY


@dataclass(frozen=True)
class Bars:
    """A horizontal bar chart, every text already in the reader's language."""

    title: str
    axis: str
    labels: Sequence[str]  # one per bar, top to bottom
    series: Sequence[tuple[str, str, Sequence[float]]]  # (legend, colour, value per bar), stacked
    stacked_from_zero: bool = True  # False: negative values go left of zero (a 赛拼's 扣分)


def draw(bars: Bars) -> bytes:
    """The chart as PNG bytes; safe to run in a worker thread (one Figure per call, no pyplot)."""
    family = font_family()
    height = max(3.0, 0.42 * len(bars.labels) + 2.0)
    figure = Figure(figsize=(9, height), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(bars.labels)))
    left = [0.0] * len(positions)
    for legend, colour, values in bars.series:
        base = left if bars.stacked_from_zero else [0.0] * len(values)
        axes.barh(positions, values, left=base, color=colour, label=legend, height=0.65)
        if bars.stacked_from_zero:
            left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(positions, labels=list(bars.labels), fontfamily=family)
    axes.invert_yaxis()
    axes.set_xlabel(bars.axis, fontfamily=family)
    axes.set_title(bars.title, fontfamily=family, fontsize=13)
    axes.axvline(0, color="#555555", linewidth=0.8)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    # Below the plot, so no bar hides under it.
    axes.legend(
        prop={"family": family, "size": 9},
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=len(bars.series),
        frameon=False,
    )
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def monthly_bars(bulletin: MonthlyBulletin, directory: Directory) -> Bars:
    """Each landing unit's projects at the month's end, stacked by stage group (texts in the current language)."""
    series = []
    for (group, stages), colour in zip(STAGE_GROUPS, _COLOURS, strict=True):
        values = [float(sum(row.stages.get(s.value, 0) for s in stages)) for row in bulletin.units]
        series.append((_("bulletin.group." + group), colour, values))
    return Bars(
        title=_("bulletin.chart.monthly_title").format(title=monthly_title(bulletin.year, bulletin.month)),
        axis=_("bulletin.chart.projects"),
        labels=[unit_name(directory, row.unit) for row in bulletin.units],
        series=series,
    )


def contest_bars(contest: QuarterlyContest, directory: Directory) -> Bars:
    """Each unit's 加分 (right of zero) and 扣分 (left of it), in ranking order."""
    return Bars(
        title=_("bulletin.chart.contest_title").format(title=contest_title(contest.year, contest.quarter)),
        axis=_("bulletin.chart.points"),
        labels=[f"{e.rank}. {unit_name(directory, e.unit)}" for e in contest.entries],
        series=[
            (_("bulletin.col.added"), _ADDED, [float(e.added) for e in contest.entries]),
            (_("bulletin.col.deducted"), _DEDUCTED, [float(e.deducted) for e in contest.entries]),
        ],
        stacked_from_zero=False,
    )


async def chart_png(bars: Bars) -> bytes:
    """Draw in a worker thread: matplotlib takes a noticeable fraction of a second."""
    return await asyncio.to_thread(draw, bars)
