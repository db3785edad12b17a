"""What happens to a project along the way: meetings, opinions, approval steps, the 专班."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain.approval import Actor, StepAction
from domain.directory import Role


class MeetingKind(StrEnum):
    SCREENING = "研判小组会议"
    LEADING_GROUP = "领导小组会议"
    COUNTY_EXECUTIVE = "县长办公会议"
    STANDING_COMMITTEE = "县委常委会"


class Outcome(StrEnum):
    PASSED = "passed"  # 通过
    NOT_PASSED = "not_passed"  # 不通过
    DEFERRED = "deferred"  # 暂缓


@dataclass(eq=False)
class MeetingRecord:
    kind: MeetingKind
    outcome: Outcome
    held_on: date
    minutes_no: str  # 纪要 number
    recorded_by: int  # person id
    recorded_at: datetime
    note: str = ""
    id: int | None = None


class OpinionKind(StrEnum):
    DEPARTMENT = "department"  # 部门考察意见
    JOINT_REVIEW = "joint_review"  # 行业主管部门考察联审意见


@dataclass(eq=False)
class Opinion:
    kind: OpinionKind
    unit: str  # unit code of the department giving it
    text: str
    inspector: str  # 考察人
    given_on: date
    author: int  # person id
    recorded_at: datetime
    id: int | None = None


class StepStatus(StrEnum):
    WAITING = "waiting"  # later in the route, not open yet
    PENDING = "pending"  # open, waiting on its holder
    APPROVED = "approved"
    REFUSED = "refused"
    RETURNED = "returned"
    CANCELLED = "cancelled"  # the route it belonged to was superseded or the project ended

    def is_open(self) -> bool:
        return self in (StepStatus.WAITING, StepStatus.PENDING)


class Decision(StrEnum):
    APPROVE = "approve"  # 同意 / 通过
    REFUSE = "refuse"  # 不同意 / 不通过
    RETURN = "return"  # 退回修改


_DECIDED_STATUS = {
    Decision.APPROVE: StepStatus.APPROVED,
    Decision.REFUSE: StepStatus.REFUSED,
    Decision.RETURN: StepStatus.RETURNED,
}


@dataclass(eq=False)
class ApprovalStep:
    round_no: int  # a form returned and resubmitted starts a new round
    seq: int  # 1-based position in the route
    actor: Actor
    action: StepAction
    holder: Role
    status: StepStatus
    opened_at: datetime | None = None
    decided_by: int | None = None  # person id
    decided_at: datetime | None = None
    comment: str = ""
    meeting_held_on: date | None = None
    minutes_no: str = ""
    version: int = 1
    id: int | None = None

    def decide(self, decision: Decision, person: int, now: datetime, comment: str) -> None:
        self.status = _DECIDED_STATUS[decision]
        self.decided_by = person
        self.decided_at = now
        self.comment = comment
