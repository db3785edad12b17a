"""The project lifecycle of 二(三)–(六) and Attachment 3 as a transition table.

```mermaid
stateDiagram-v2
    [*] --> planning: create (谋划)
    planning --> argued: record_argumentation (分管县领导组织论证)
    argued --> submitted: submit_form (上报审批表)
    submitted --> screened: record_screening 通过
    submitted --> planning: record_screening 不通过
    screened --> reviewed: record_leading_group_review 通过
    screened --> planning: record_leading_group_review 不通过
    reviewed --> negotiating: form_task_force (专班)
    negotiating --> approving: open_approval (需联审意见)
    approving --> approved: decide_step 同意 (last step)
    approving --> returned: decide_step 退回修改
    approving --> rejected: decide_step 不同意
    returned --> approving: resubmit
    approved --> signed: sign_agreement
    signed --> listed: list_land (供地项目挂牌)
    listed --> delisted: delist_land (摘牌)
    signed --> started: start_construction (非供地)
    delisted --> started: start_construction
    started --> [*]
```
A 暂缓 outcome keeps the project where it is; any stage before 开工 can be terminated.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import DomainError


class Stage(StrEnum):
    PLANNING = "planning"  # 项目谋划、信息收集、初步对接
    ARGUED = "argued"  # 分管县领导组织论证通过
    SUBMITTED = "submitted"  # 审批表已上报, 待研判
    SCREENED = "screened"  # 研判通过, 待领导小组审议
    REVIEWED = "reviewed"  # 审议通过, 待组建专班
    NEGOTIATING = "negotiating"  # 专班落地考察、对接洽谈
    APPROVING = "approving"  # 分层审批
    RETURNED = "returned"  # 退回修改
    APPROVED = "approved"  # 审批通过, 待签约
    SIGNED = "signed"  # 已签订投资协议书
    LISTED = "listed"  # 土地已挂牌
    DELISTED = "delisted"  # 已摘牌
    STARTED = "started"  # 已开工建设
    REJECTED = "rejected"  # 审批不同意
    TERMINATED = "terminated"  # 终止

    def is_terminal(self) -> bool:
        return self in (Stage.STARTED, Stage.REJECTED, Stage.TERMINATED)

    def is_active(self) -> bool:
        """Active projects owe monthly progress updates (四(一))."""
        return not self.is_terminal()


class Party(StrEnum):
    """Who may make a move, relative to the project; resolved from the person's roles, never from input."""

    LANDING_UNIT = "landing_unit"  # staff or head of the project's 落地单位
    OFFICE = "office"  # 领导小组办公室
    DEPUTY = "deputy"  # the project's 分管副县长
    DEPARTMENT = "department"  # staff or head of a 部门 inspecting the project
    JOINT_REVIEWER = "joint_reviewer"  # the 行业主管部门 that signs the 联审
    STEP_HOLDER = "step_holder"  # the holder of the open approval step


class Move(StrEnum):
    CREATE = "create"
    EDIT_FORM = "edit_form"
    BIND_GROUP = "bind_group"
    RECORD_ARGUMENTATION = "record_argumentation"
    SUBMIT_FORM = "submit_form"
    RECORD_SCREENING = "record_screening"
    RECORD_LEADING_GROUP_REVIEW = "record_leading_group_review"
    FORM_TASK_FORCE = "form_task_force"
    RECORD_DEPARTMENT_OPINION = "record_department_opinion"
    RECORD_JOINT_REVIEW = "record_joint_review"
    OPEN_APPROVAL = "open_approval"
    DECIDE_STEP = "decide_step"
    RESUBMIT = "resubmit"
    SIGN_AGREEMENT = "sign_agreement"
    LIST_LAND = "list_land"
    DELIST_LAND = "delist_land"
    START_CONSTRUCTION = "start_construction"
    TERMINATE = "terminate"


@dataclass(frozen=True)
class Transition:
    move: Move
    sources: frozenset[Stage]
    targets: frozenset[Stage]
    parties: frozenset[Party]
    needs: str  # what the move needs besides the stage and the party, for people reading the table


def _t(move: Move, sources: set[Stage], targets: set[Stage], parties: set[Party], needs: str) -> Transition:
    return Transition(move, frozenset(sources), frozenset(targets), frozenset(parties), needs)


S = Stage
P = Party
_NOT_TERMINAL = {s for s in Stage if not s.is_terminal()}
_EDITABLE = {S.PLANNING, S.ARGUED, S.RETURNED}

TRANSITIONS: dict[Move, Transition] = {
    t.move: t
    for t in (
        _t(Move.CREATE, set(), {S.PLANNING}, {P.LANDING_UNIT, P.OFFICE}, "a name and a landing unit"),
        _t(Move.EDIT_FORM, _EDITABLE, _EDITABLE, {P.LANDING_UNIT}, "valid field values"),
        _t(
            Move.BIND_GROUP,
            _NOT_TERMINAL,
            _NOT_TERMINAL,
            {P.LANDING_UNIT, P.OFFICE},
            "a group not bound to another project (二(六): one 联络群 per project)",
        ),
        _t(
            Move.RECORD_ARGUMENTATION,
            {S.PLANNING},
            {S.ARGUED},
            {P.LANDING_UNIT, P.DEPUTY, P.OFFICE},
            "the date the 分管县领导 held the 论证",
        ),
        _t(
            Move.SUBMIT_FORM,
            {S.ARGUED},
            {S.SUBMITTED},
            {P.LANDING_UNIT},
            "every required field of the 审批表 filled in",
        ),
        _t(
            Move.RECORD_SCREENING,
            {S.SUBMITTED},
            {S.SCREENED, S.SUBMITTED, S.PLANNING},
            {P.OFFICE},
            "the 研判小组会议 outcome, date and 纪要 number",
        ),
        _t(
            Move.RECORD_LEADING_GROUP_REVIEW,
            {S.SCREENED},
            {S.REVIEWED, S.SCREENED, S.PLANNING},
            {P.OFFICE},
            "the 领导小组会议 outcome, date and 纪要 number",
        ),
        _t(
            Move.FORM_TASK_FORCE, {S.REVIEWED}, {S.NEGOTIATING}, {P.OFFICE}, "the member units; the 分管副县长 leads it"
        ),
        _t(
            Move.RECORD_DEPARTMENT_OPINION,
            {S.NEGOTIATING},
            {S.NEGOTIATING},
            {P.DEPARTMENT},
            "the opinion text, the inspector and the date",
        ),
        _t(
            Move.RECORD_JOINT_REVIEW,
            {S.NEGOTIATING},
            {S.NEGOTIATING},
            {P.JOINT_REVIEWER},
            "the 联审 opinion of the category's 行业主管部门",
        ),
        _t(Move.OPEN_APPROVAL, {S.NEGOTIATING}, {S.APPROVING, S.APPROVED}, {P.OFFICE}, "a 联审 opinion on record"),
        _t(
            Move.DECIDE_STEP,
            {S.APPROVING},
            {S.APPROVING, S.APPROVED, S.RETURNED, S.REJECTED},
            {P.STEP_HOLDER},
            "the decision on the open step; a meeting step needs its date and 纪要 number",
        ),
        _t(
            Move.RESUBMIT, {S.RETURNED}, {S.APPROVING}, {P.LANDING_UNIT}, "every required field of the 审批表 filled in"
        ),
        _t(Move.SIGN_AGREEMENT, {S.APPROVED}, {S.SIGNED}, {P.LANDING_UNIT}, "the signing date"),
        _t(Move.LIST_LAND, {S.SIGNED}, {S.LISTED}, {P.LANDING_UNIT}, "a project that needs land"),
        _t(Move.DELIST_LAND, {S.LISTED}, {S.DELISTED}, {P.LANDING_UNIT}, "the 摘牌 date"),
        _t(
            Move.START_CONSTRUCTION,
            {S.SIGNED, S.DELISTED},
            {S.STARTED},
            {P.LANDING_UNIT},
            "signed (no land) or land delisted (land projects)",
        ),
        _t(Move.TERMINATE, _NOT_TERMINAL, {S.TERMINATED}, {P.OFFICE, P.LANDING_UNIT}, "a reason"),
    )
}


class IllegalTransition(DomainError):
    code = "illegal_transition"


class NotAllowed(DomainError):
    code = "not_allowed"


def check_stage(move: Move, current: Stage) -> Transition:
    """The transition for `move`, if `current` is one of its source stages."""
    transition = TRANSITIONS[move]
    if current not in transition.sources:
        expected = sorted(s.value for s in transition.sources)
        raise IllegalTransition(
            f"Cannot {move.value} a project at stage {current.value!r}; expected one of {expected}.",
            move=move.value,
            stage=current.value,
            expected=expected,
        )
    return transition


def check_party(move: Move, parties: frozenset[Party]) -> None:
    """Raise unless one of `parties` (those the person is, for this project) may make `move`."""
    allowed = TRANSITIONS[move].parties
    if not parties & allowed:
        expected = sorted(p.value for p in allowed)
        raise NotAllowed(
            f"{move.value} may be made only by {expected}; this person is {sorted(p.value for p in parties)}.",
            move=move.value,
            expected=expected,
        )
