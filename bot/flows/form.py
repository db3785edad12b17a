"""The 《落地审批表》 as a conversation: where a person stands in it, and which question comes next.

```mermaid
stateDiagram-v2
    [*] --> choosing: /form in private, several projects
    [*] --> answering: /form (the first field not yet answered)
    [*] --> reviewing: /form on a complete form, or /review
    choosing --> answering: tap a project
    choosing --> choosing: anything typed (use the buttons)
    answering --> answering: an answer, 跳过 or /skip, /back (the draft is saved at every step)
    answering --> answering: a bad answer (what is expected, and the same question again)
    answering --> reviewing: the last field, /review, or a field edited from the card
    reviewing --> answering: tap a field to edit it
    reviewing --> reviewing: anything typed (use the buttons)
    reviewing --> confirming: tap 提交 (the route to confirm, or the 论证 still to record)
    confirming --> arguing: tap 论证已完成
    arguing --> arguing: a bad date (what is expected, and the same question again)
    arguing --> confirming: the date of the 论证 recorded (the route to confirm)
    confirming --> reviewing: tap 返回修改
    confirming --> [*]: tap 确认上报 (submit_form, or resubmit after 退回修改)
    answering --> [*]: /cancel (the draft stays; /form resumes)
```

Only the place in the conversation lives in the FSM (`Place`); every answer is in the project's draft in the
database, so a restart, another chat or another person sees the same form.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Final

from aiogram.fsm.state import State, StatesGroup
from aiogram.utils.i18n import gettext as _

from bot.flows.waiting import Waiting
from domain.answers import AnswerError, read_answer
from domain.directory import Directory, Unit, UnitKind, UnknownUnit
from domain.form import FIELDS_BY_NAME, FORM_FIELDS, ApprovalForm, FieldKind, FieldSpec
from domain.quantities import Money, format_money, format_mu


class FormFlow(StatesGroup):
    choosing = State()  # private chat: which project's form
    answering = State()  # a question about one field is out
    reviewing = State()  # the review card is shown
    confirming = State()  # the route (or the missing 论证) is shown, waiting for a tap
    arguing = State()  # the date of the 分管县领导论证 is asked


# The date of the 论证 is asked like a form field, though the project (not the form) records it.
ARGUED_ON: Final = FieldSpec("argued_on", FieldKind.DATE)

# Fields that only mean something when land is supplied: the domain requires them exactly then.
LAND_ONLY: Final = frozenset(s.name for s in FORM_FIELDS if s.required is FIELDS_BY_NAME["land_mu"].required)

_INDEX: Final = {spec.name: i for i, spec in enumerate(FORM_FIELDS)}


@dataclass
class Place(Waiting):
    """Where one person stands in the form, in one chat (the FSM data; never the answers themselves), and the
    bot's message waiting for them (saved before it is sent: bot.flows.waiting)."""

    project_id: int | None = None
    field: str | None = None  # the field asked, or last asked
    editing: bool = False  # the field was opened from the review card: back to the card after it
    review: bool = False  # choosing a project for /review: its card, not its next question
    options: list[str] = dataclasses.field(default_factory=list)  # what the buttons stand for, by index
    skipped: list[str] = dataclasses.field(default_factory=list)  # optional fields the person chose to leave empty

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Place:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    def for_project(self, project_id: int) -> Place:
        """This place if it is in that project's form, else a fresh one there (keeping what the bot sent)."""
        if self.project_id == project_id:
            return self
        return Place(**{name: getattr(self, name) for name in Waiting.__dataclass_fields__}, project_id=project_id)

    def after(self) -> Place:
        """A place in no project's form, keeping what the bot sent (the conversation is over)."""
        return Place(**{name: getattr(self, name) for name in Waiting.__dataclass_fields__})


def spec_of(name: str) -> FieldSpec:
    return ARGUED_ON if name == ARGUED_ON.name else FIELDS_BY_NAME[name]


def applies(spec: FieldSpec, form: ApprovalForm) -> bool:
    """Whether the form asks this field at all: the land fields are moot for a project without land."""
    return not (spec.name in LAND_ONLY and form.needs_land is False)


def questions(form: ApprovalForm) -> list[FieldSpec]:
    """The fields this form asks, in the order of the 审批表."""
    return [spec for spec in FORM_FIELDS if applies(spec, form)]


def next_question(form: ApprovalForm, *, start: str | None, skipped: list[str], inclusive: bool) -> str | None:
    """The first empty field not skipped, from `start` (or just after it) to the end, then from the top."""
    names = [spec.name for spec in questions(form)]
    position = _INDEX.get(start, -1) if start else -1
    if start and not inclusive:
        position += 1
    later = [n for n in names if _INDEX[n] >= position]
    earlier = [n for n in names if _INDEX[n] < position]
    return next((n for n in later + earlier if getattr(form, n) is None and n not in skipped), None)


def previous_question(form: ApprovalForm, current: str) -> str:
    """The field asked before `current`, answered or not (the first field stays first)."""
    names = [spec.name for spec in questions(form)]
    before = [n for n in names if _INDEX[n] < _INDEX.get(current, 0)]
    return before[-1] if before else names[0]


def progress(form: ApprovalForm, name: str) -> tuple[int, int]:
    """The question's number among the questions this form asks, and how many there are."""
    names = [spec.name for spec in questions(form)]
    return (names.index(name) + 1 if name in names else 0), len(names)


# ---- reading answers -----------------------------------------------------------------------------------------

# Which units may answer a unit field: any unit that attracts investment, or one of the liaison offices.
UNIT_KINDS: Final[dict[str, tuple[UnitKind, ...]]] = {
    "attracting_unit": tuple(k for k in UnitKind if k is not UnitKind.LEADER_POST),
    "source_liaison_office": (UnitKind.LIAISON_OFFICE,),
}


def read(spec: FieldSpec, text: str, *, today: date, directory: Directory) -> Any:
    """The value of the field that `text` states; AnswerError says what was expected if it states none."""
    value = read_answer(spec, text, today=today)
    if spec.kind is FieldKind.UNIT:
        return find_unit(spec, value, directory).code
    return value


def find_unit(spec: FieldSpec, text: str, directory: Directory) -> Unit:
    """The one unit of the kinds the field takes named by `text`, with or without its usual prefix and suffix."""
    try:
        return directory.named(text, UNIT_KINDS.get(spec.name, tuple(UnitKind)))
    except UnknownUnit as error:
        raise AnswerError(spec, text, reason=str(error)) from error


# ---- showing answers -----------------------------------------------------------------------------------------


def choice_label(spec: FieldSpec, value: str) -> str:
    """A choice in the reader's language (the form stores the policy's Chinese word)."""
    key = f"form.choice.{spec.name}.{CHOICE_KEYS.get((spec.name, value), value)}"
    text = _(key)
    return value if text == key else text


def answer_label(spec: FieldSpec, value: Any, directory: Directory) -> str:
    """An answer as people read it on the card; "" for an empty field."""
    if value is None:
        return ""
    match spec.kind:
        case FieldKind.CHOICE:
            return choice_label(spec, str(value))
        case FieldKind.YES_NO:
            return str(_("form.yes") if value else _("form.no"))
        case FieldKind.UNIT:
            try:
                return directory.unit(str(value)).name
            except UnknownUnit:
                return str(value)
        case FieldKind.MONEY:
            return format_money(value) if isinstance(value, Money) else str(value)
        case FieldKind.AREA:
            return format_mu(value)
        case FieldKind.YEAR_MONTH:
            return f"{value.year:04}-{value.month:02}"
        case FieldKind.DATE:
            return str(value.isoformat())
        case _:
            return str(value)


def option_values(spec: FieldSpec, landing_unit: str, directory: Directory) -> list[str]:
    """What the buttons under a question stand for, each an answer `read` takes: choices, yes/no or unit codes."""
    if spec.kind is FieldKind.CHOICE:
        return list(spec.choices)
    if spec.kind is FieldKind.YES_NO:
        return [_YES, _NO]
    if spec.name == "attracting_unit":
        # Most projects are brought in by the landing unit itself, the 投资促进中心 or a liaison office.
        likely = [landing_unit, directory.office_unit, *(u.code for u in directory.of_kind(UnitKind.LIAISON_OFFICE))]
        return list(dict.fromkeys(code for code in likely if code))
    if spec.kind is FieldKind.UNIT:
        return [u.code for u in directory.of_kind(*UNIT_KINDS.get(spec.name, ()))]
    return []


def option_label(spec: FieldSpec, value: str, directory: Directory) -> str:
    """The button's words for one of `option_values`."""
    if spec.kind is FieldKind.YES_NO:
        return answer_label(spec, value == _YES, directory)
    if spec.kind is FieldKind.UNIT:
        return answer_label(spec, value, directory)
    return choice_label(spec, value)


# Yes/no buttons stand for answers read_answer understands in any language setting.
_YES: Final = "yes"
_NO: Final = "no"


def _choice_keys() -> dict[tuple[str, str], str]:
    """Catalog key endings of the choices, from the enum each choice field holds: 工业 → industry."""
    hints = typing.get_type_hints(ApprovalForm)
    keys: dict[tuple[str, str], str] = {}
    for spec in FORM_FIELDS:
        for kind in typing.get_args(hints[spec.name]):
            if isinstance(kind, type) and issubclass(kind, StrEnum):
                keys |= {(spec.name, member.value): member.name.lower() for member in kind}
    return keys


CHOICE_KEYS: Final = _choice_keys()
