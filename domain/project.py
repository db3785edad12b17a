"""The project aggregate: every move of the lifecycle, checked for stage and party, recorded as an event."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.approval import Actor, Category, RouteStep, route_for
from domain.directory import Directory, Role, RoleKind, UnitKind
from domain.errors import DomainError
from domain.form import NAME_MAX_LENGTH, TEXT_MAX_LENGTH, ApprovalForm, InvalidValue
from domain.lifecycle import TRANSITIONS, Move, NotAllowed, Party, Stage, check_party, check_stage
from domain.records import (
    ApprovalStep,
    Decision,
    MeetingKind,
    MeetingRecord,
    Opinion,
    OpinionKind,
    Outcome,
    StepStatus,
)


class FormIncomplete(DomainError):
    code = "form_incomplete"


class StepClosed(DomainError):
    code = "step_closed"


class StepNotFound(DomainError):
    code = "step_not_found"


class ProjectHasGroup(DomainError):
    """A project has one 联络群: binding it to another chat is refused until that one is let go."""

    code = "project_has_group"


class NotAGroup(DomainError):
    """Only a group (or supergroup) can be a 联络群, never a private chat with a person."""

    code = "not_a_group"


class OpinionRequired(DomainError):
    code = "opinion_required"


@dataclass(frozen=True)
class Principal:
    """A person acting, with the roles the database says they hold now."""

    person_id: int
    roles: frozenset[Role]

    def holds(self, role: Role) -> bool:
        return role in self.roles

    def holds_any(self, kind: RoleKind) -> bool:
        return any(role.kind is kind for role in self.roles)


@dataclass(frozen=True)
class Event:
    """One change to a project, for the audit trail and for the messages it causes."""

    name: str
    actor: int
    at: datetime
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    notify: tuple[Role, ...] = ()  # roles to tell in private, besides the project's group


def _clean_text(value: str, what: str, max_length: int = TEXT_MAX_LENGTH) -> str:
    text = value.strip()
    if not text or len(text) > max_length:
        raise InvalidValue(
            f"{what} must be 1 to {max_length} characters, got {len(text)}.",
            field=what,
            max_length=max_length,
        )
    return text


@dataclass(eq=False)
class Project:
    name: str
    landing_unit: str  # 落地单位 (unit code)
    deputy: Role  # the 分管副县长 post for the category; the office may change it
    joint_reviewer: str  # unit code of the 行业主管部门 that signs the 联审
    declared_by_jinpan: bool  # 五.1 applies
    created_by: int
    created_at: datetime
    stage: Stage = Stage.PLANNING
    stage_since: datetime | None = None
    form: ApprovalForm = field(default_factory=ApprovalForm)
    argued_on: date | None = None
    submitted_at: datetime | None = None
    task_force_units: list[str] = field(default_factory=list)
    task_force_formed_on: date | None = None
    round_no: int = 0
    agreement_signed_on: date | None = None
    agreement_no: str = ""
    listed_on: date | None = None
    delisted_on: date | None = None
    construction_started_on: date | None = None
    terminated_reason: str = ""
    group_chat_id: int | None = None
    meetings: list[MeetingRecord] = field(default_factory=list)
    opinions: list[Opinion] = field(default_factory=list)
    steps: list[ApprovalStep] = field(default_factory=list)
    version: int = 1
    id: int | None = None

    # ---- who is acting ---------------------------------------------------------------------------------------
    def parties_of(self, principal: Principal) -> frozenset[Party]:
        """What this person is to this project, from their roles alone."""
        roles = principal.roles
        parties: set[Party] = set()
        if _unit_member(roles, self.landing_unit):
            parties.add(Party.LANDING_UNIT)
        if Role(RoleKind.OFFICE) in roles:
            parties.add(Party.OFFICE)
        if self.deputy in roles:
            parties.add(Party.DEPUTY)
        if any(_unit_member(roles, u) for u in self.task_force_units if u != self.landing_unit):
            parties.add(Party.DEPARTMENT)
        if _unit_member(roles, self.joint_reviewer):
            parties.add(Party.JOINT_REVIEWER)
        step = self.open_step()
        if step is not None and step.holder in roles:
            parties.add(Party.STEP_HOLDER)
        return frozenset(parties)

    def _begin(self, move: Move, principal: Principal) -> None:
        check_stage(move, self.stage)
        check_party(move, self.parties_of(principal))

    def _events(self) -> list[Event]:
        pending: list[Event] = self.__dict__.setdefault("_pending_events", [])
        return pending

    def collect_events(self) -> list[Event]:
        """The events recorded since the last call, oldest first."""
        events = list(self._events())
        self._events().clear()
        return events

    def _record(
        self,
        name: str,
        principal: Principal,
        now: datetime,
        before: Mapping[str, Any],
        after: Mapping[str, Any],
        notify: tuple[Role, ...] = (),
    ) -> None:
        self._events().append(Event(name, principal.person_id, now, dict(before), dict(after), notify))

    def _move_to(self, stage: Stage, now: datetime) -> None:
        if stage is not self.stage:
            self.stage = stage
            self.stage_since = now

    # ---- creating and filling in -----------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        principal: Principal,
        directory: Directory,
        *,
        name: str,
        landing_unit: str,
        now: datetime,
        category: Category | None = None,
    ) -> Project:
        """A new project at 谋划, opened by its landing unit (a 区块 or 乡镇/街道) or the office."""
        unit = directory.unit(landing_unit)
        if not unit.kind.can_land_projects:
            raise InvalidValue(
                f"{unit.name} is not a 区块 or 乡镇/街道 and cannot land projects.", field="landing_unit"
            )
        project = cls(
            name=_clean_text(name, "name", NAME_MAX_LENGTH),
            landing_unit=unit.code,
            # Until the form names the category, the 工业 portfolio stands in; answering it reassigns both.
            deputy=directory.deputy_for(category or Category.INDUSTRY),
            joint_reviewer=directory.joint_reviewer_for(category or Category.INDUSTRY).code,
            declared_by_jinpan=unit.code == directory.jinpan_unit,
            created_by=principal.person_id,
            created_at=now,
            stage_since=now,
            form=ApprovalForm(category=category),  # None leaves the question open for the cadre
        )
        check_party(Move.CREATE, project.parties_of(principal))
        project._record(
            Move.CREATE.value,
            principal,
            now,
            {},
            {"name": project.name, "landing_unit": unit.code, "stage": project.stage},
            notify=(Role(RoleKind.OFFICE),),
        )
        return project

    def edit_form(self, principal: Principal, directory: Directory, now: datetime, **values: Any) -> None:
        """Set fields of the draft (only while it is with the landing unit); the category picks the deputy."""
        self._begin(Move.EDIT_FORM, principal)
        name = _clean_text(values.pop("name"), "name", NAME_MAX_LENGTH) if "name" in values else self.name
        _check_form_values(directory, values)
        new_form = self.form.with_values(**values)
        before = {k: getattr(self.form, k) for k, v in values.items() if getattr(self.form, k) != v}
        after = {k: values[k] for k in before}
        if name != self.name:
            before["name"], after["name"] = self.name, name
        if not after:
            return
        self.name, self.form = name, new_form
        if "category" in after and new_form.category is not None:
            self.deputy = directory.deputy_for(new_form.category)
            self.joint_reviewer = directory.joint_reviewer_for(new_form.category).code
        self._record("form_edited", principal, now, before, after)

    def bind_group(self, principal: Principal, chat_id: int, now: datetime) -> None:
        """Make `chat_id` this project's 项目落地工作联络群 (二(六)); the caller checks no other project has it.

        A project has one group: once bound, another chat is refused (binding the same one again does nothing).
        Telegram numbers every group and supergroup below zero and every private chat (a person) above it.
        """
        self._begin(Move.BIND_GROUP, principal)
        if chat_id >= 0:
            raise NotAGroup(f"Chat {chat_id} is a private chat, not a group; it cannot be a 联络群.", chat=chat_id)
        if self.group_chat_id == chat_id:
            return
        if self.group_chat_id is not None:
            raise ProjectHasGroup(
                f"Project {self.id} already has group {self.group_chat_id}; refused {chat_id}.", project=self.name
            )
        before = self.group_chat_id
        self.group_chat_id = chat_id
        self._record(Move.BIND_GROUP.value, principal, now, {"group_chat_id": before}, {"group_chat_id": chat_id})

    def record_argumentation(self, principal: Principal, held_on: date, now: datetime) -> None:
        """分管县领导组织论证 passed: the form may now be submitted."""
        self._begin(Move.RECORD_ARGUMENTATION, principal)
        before = self.stage
        self.argued_on = held_on
        self._move_to(Stage.ARGUED, now)
        self._record(
            Move.RECORD_ARGUMENTATION.value,
            principal,
            now,
            {"stage": before},
            {"stage": self.stage, "argued_on": held_on},
        )

    def _require_complete_form(self) -> None:
        missing = self.form.missing_fields()
        if missing:
            raise FormIncomplete(f"The 审批表 still lacks {missing}.", missing=missing)

    def submit_form(self, principal: Principal, now: datetime) -> None:
        """上报审批表 to the office for the next 研判."""
        self._begin(Move.SUBMIT_FORM, principal)
        self._require_complete_form()
        self.route()  # a form whose route cannot be computed is not complete
        self.submitted_at = now
        self._move_to(Stage.SUBMITTED, now)
        self._record(
            Move.SUBMIT_FORM.value,
            principal,
            now,
            {"stage": Stage.ARGUED},
            {"stage": self.stage},
            notify=(Role(RoleKind.OFFICE),),
        )

    def route(self) -> tuple[RouteStep, ...]:
        """The approval route the form calls for now."""
        question = self.form.route_question(declared_by_jinpan=self.declared_by_jinpan)
        if question is None:
            raise FormIncomplete(
                "The route needs the category and whether land is supplied.",
                missing=[n for n in ("category", "needs_land") if getattr(self.form, n) is None],
            )
        return route_for(question)

    # ---- meetings --------------------------------------------------------------------------------------------
    def record_meeting(
        self,
        principal: Principal,
        kind: MeetingKind,
        outcome: Outcome,
        held_on: date,
        minutes_no: str,
        now: datetime,
        note: str = "",
    ) -> None:
        """The office records a 研判小组会议 or 领导小组会议 outcome (二(三)); for 研判 the note is the
        项目研判小组意见 of the form. Meetings on the approval route are decided as steps instead."""
        if kind not in _LIFECYCLE_MEETINGS:
            raise InvalidValue(f"{kind.value} is decided as an approval step, not recorded here.", field="meeting")
        move, passed_to = _LIFECYCLE_MEETINGS[kind]
        self._begin(move, principal)
        minutes = _clean_text(minutes_no, "minutes_no", 50)
        before = self.stage
        self.meetings.append(MeetingRecord(kind, outcome, held_on, minutes, principal.person_id, now, note.strip()))
        if outcome is Outcome.PASSED:
            self._move_to(passed_to, now)
        elif outcome is Outcome.NOT_PASSED:
            # Attachment 3: 不通过 sends the project back to 谋划; ending it is a separate decision.
            self.argued_on = None
            self._move_to(Stage.PLANNING, now)
        self._record(
            move.value,
            principal,
            now,
            {"stage": before},
            {
                "stage": self.stage,
                "meeting": kind,
                "outcome": outcome,
                "held_on": held_on,
                "minutes_no": minutes,
                "note": note.strip(),
            },
            notify=(Role(RoleKind.HEAD, self.landing_unit),),
        )

    # ---- 专班 and opinions ------------------------------------------------------------------------------------
    def form_task_force(self, principal: Principal, member_units: list[str], formed_on: date, now: datetime) -> None:
        """组建专班 led by the 分管副县长, with the landing unit and the named departments (二(四))."""
        self._begin(Move.FORM_TASK_FORCE, principal)
        members = list(dict.fromkeys([self.landing_unit, self.joint_reviewer, *member_units]))
        self.task_force_units = members
        self.task_force_formed_on = formed_on
        self._move_to(Stage.NEGOTIATING, now)
        self._record(
            Move.FORM_TASK_FORCE.value,
            principal,
            now,
            {"stage": Stage.REVIEWED},
            {"stage": self.stage, "leader": self.deputy, "members": members, "formed_on": formed_on},
            notify=(
                self.deputy,
                *(Role(kind, u) for u in members if u != self.landing_unit for kind in (RoleKind.HEAD, RoleKind.STAFF)),
            ),
        )

    def record_opinion(
        self,
        principal: Principal,
        kind: OpinionKind,
        unit: str,
        text: str,
        inspector: str,
        given_on: date,
        now: datetime,
    ) -> Opinion:
        """A department's 考察意见, or the 行业主管部门's 联审意见, given for a unit the person belongs to."""
        move = Move.RECORD_JOINT_REVIEW if kind is OpinionKind.JOINT_REVIEW else Move.RECORD_DEPARTMENT_OPINION
        self._begin(move, principal)
        allowed = (
            {self.joint_reviewer}
            if kind is OpinionKind.JOINT_REVIEW
            else (set(self.task_force_units) - {self.landing_unit})
        )
        if unit not in allowed or not _unit_member(principal.roles, unit):
            raise NotAllowed(
                f"{move.value} for unit {unit!r} needs a role in it and the unit to be one of {sorted(allowed)}.",
                move=move.value,
                expected=sorted(allowed),
            )
        opinion = Opinion(
            kind,
            unit,
            _clean_text(text, "opinion"),
            _clean_text(inspector, "inspector", 100),
            given_on,
            principal.person_id,
            now,
        )
        self.opinions.append(opinion)
        self._record(
            move.value,
            principal,
            now,
            {},
            {"unit": unit, "text": opinion.text, "inspector": opinion.inspector, "given_on": given_on},
            notify=(Role(RoleKind.OFFICE),),
        )
        return opinion

    def joint_review(self) -> Opinion | None:
        """The latest 联审 opinion on record."""
        reviews = [o for o in self.opinions if o.kind is OpinionKind.JOINT_REVIEW]
        return reviews[-1] if reviews else None

    # ---- approval route --------------------------------------------------------------------------------------
    def holder_for(self, actor: Actor) -> Role:
        """The role that acts on a step of this project's route."""
        if actor is Actor.COUNTY_HEAD:
            return Role(RoleKind.COUNTY_HEAD)
        if actor is Actor.DEPUTY_HEAD:
            return self.deputy
        if actor is Actor.JINPAN_ZONE:
            return Role(RoleKind.HEAD, self.landing_unit)
        return Role(RoleKind.OFFICE)  # meetings: the office records the outcome

    def open_step(self) -> ApprovalStep | None:
        return next((s for s in self.steps if s.status is StepStatus.PENDING), None)

    def current_steps(self) -> list[ApprovalStep]:
        return [s for s in self.steps if s.round_no == self.round_no]

    def _open_route(self, principal: Principal, now: datetime, name: str, before: Stage) -> None:
        self._require_complete_form()
        route = self.route()
        self.round_no += 1
        for seq, rs in enumerate(route, start=1):
            first = seq == 1
            self.steps.append(
                ApprovalStep(
                    round_no=self.round_no,
                    seq=seq,
                    actor=rs.actor,
                    action=rs.action,
                    holder=self.holder_for(rs.actor),
                    status=StepStatus.PENDING if first else StepStatus.WAITING,
                    opened_at=now if first else None,
                )
            )
        self._move_to(Stage.APPROVING, now)
        first_step = self.current_steps()[0]
        self._record(
            name,
            principal,
            now,
            {"stage": before},
            {
                "stage": self.stage,
                "round": self.round_no,
                "route": [f"{s.actor.value} {s.action.value}" for s in route],
            },
            notify=(first_step.holder,),
        )

    def open_approval(self, principal: Principal, now: datetime) -> None:
        """Start the tiered approval route (二(五)) once the 联审 opinion is on record."""
        self._begin(Move.OPEN_APPROVAL, principal)
        if self.joint_review() is None:
            raise OpinionRequired(
                "The route opens only after the 行业主管部门's 联审 opinion is recorded.", unit=self.joint_reviewer
            )
        self._open_route(principal, now, Move.OPEN_APPROVAL.value, Stage.NEGOTIATING)

    def resubmit(self, principal: Principal, now: datetime) -> None:
        """Send a returned form back into approval; the route is computed afresh from the amended form."""
        self._begin(Move.RESUBMIT, principal)
        self._open_route(principal, now, Move.RESUBMIT.value, Stage.RETURNED)

    def step_to_decide(self, principal: Principal, step_id: int) -> ApprovalStep:
        """The open step `step_id` if this person may decide it now; changes nothing.

        StepNotFound for a step of no route of this project, StepClosed once it is decided or cancelled, and
        NotAllowed (naming the holder) for anyone who does not hold its role.
        """
        step = next((s for s in self.steps if s.id == step_id), None)
        if step is None:
            raise StepNotFound(f"Project {self.id} has no approval step {step_id}.", step=step_id)
        if step.status is not StepStatus.PENDING:
            raise StepClosed(
                f"Step {step_id} is {step.status.value}, not pending.",
                status=step.status.value,
                decided_by=step.decided_by,
            )
        check_stage(Move.DECIDE_STEP, self.stage)
        if step.holder not in principal.roles:
            raise NotAllowed(
                f"Only {step.holder} may decide step {step_id}.",
                move=Move.DECIDE_STEP.value,
                expected=[str(step.holder)],
                holder=str(step.holder),
            )
        return step

    def decide_step(
        self,
        principal: Principal,
        step_id: int,
        decision: Decision,
        now: datetime,
        *,
        comment: str = "",
        meeting_held_on: date | None = None,
        minutes_no: str = "",
    ) -> ApprovalStep:
        """The step's holder approves, refuses or returns it; a meeting step carries its date and 纪要 number."""
        step = self.step_to_decide(principal, step_id)
        if step.actor.is_meeting:
            if meeting_held_on is None:
                raise InvalidValue("A meeting step needs the date the meeting was held.", field="meeting_held_on")
            step.meeting_held_on = meeting_held_on
            step.minutes_no = _clean_text(minutes_no, "minutes_no", 50)
        before = self.stage
        step.decide(decision, principal.person_id, now, comment.strip()[:TEXT_MAX_LENGTH])
        waiting = [s for s in self.current_steps() if s.status is StepStatus.WAITING]
        notify: tuple[Role, ...] = ()
        if decision is Decision.APPROVE and waiting:
            waiting[0].status = StepStatus.PENDING
            waiting[0].opened_at = now
            notify = (waiting[0].holder,)
        else:
            for later in waiting:
                later.status = StepStatus.CANCELLED
            outcome = {
                Decision.APPROVE: Stage.APPROVED,
                Decision.REFUSE: Stage.REJECTED,
                Decision.RETURN: Stage.RETURNED,
            }[decision]
            self._move_to(outcome, now)
            notify = (Role(RoleKind.OFFICE), Role(RoleKind.HEAD, self.landing_unit))
        self._record(
            Move.DECIDE_STEP.value,
            principal,
            now,
            {"stage": before, "step": StepStatus.PENDING},
            {
                "stage": self.stage,
                "step_seq": step.seq,
                "actor": step.actor,
                "action": step.action,
                "decision": decision,
                "comment": step.comment,
                "minutes_no": step.minutes_no,
                "meeting_held_on": step.meeting_held_on,
            },
            notify=notify,
        )
        return step

    # ---- after approval --------------------------------------------------------------------------------------
    def sign_agreement(self, principal: Principal, signed_on: date, agreement_no: str, now: datetime) -> None:
        """签订投资协议书 (二(六))."""
        self._begin(Move.SIGN_AGREEMENT, principal)
        self.agreement_signed_on = signed_on
        self.agreement_no = agreement_no.strip()[:100]
        self._simple_move(
            Move.SIGN_AGREEMENT,
            Stage.SIGNED,
            principal,
            now,
            {"signed_on": signed_on, "agreement_no": self.agreement_no},
        )

    def list_land(self, principal: Principal, listed_on: date, now: datetime) -> None:
        """挂牌: the land for a land project is put up for transfer."""
        self._begin(Move.LIST_LAND, principal)
        if not self.form.needs_land:
            raise InvalidValue("A project without land supply has no 挂牌.", field="needs_land")
        self.listed_on = listed_on
        self._simple_move(Move.LIST_LAND, Stage.LISTED, principal, now, {"listed_on": listed_on})

    def delist_land(self, principal: Principal, delisted_on: date, now: datetime) -> None:
        """摘牌: the investor has won the land."""
        self._begin(Move.DELIST_LAND, principal)
        self.delisted_on = delisted_on
        self._simple_move(Move.DELIST_LAND, Stage.DELISTED, principal, now, {"delisted_on": delisted_on})

    def start_construction(self, principal: Principal, started_on: date, now: datetime) -> None:
        """开工建设: a land project only once its land is delisted."""
        self._begin(Move.START_CONSTRUCTION, principal)
        if self.form.needs_land and self.stage is not Stage.DELISTED:
            raise InvalidValue("A land project starts construction only after 摘牌.", field="stage")
        self.construction_started_on = started_on
        self._simple_move(Move.START_CONSTRUCTION, Stage.STARTED, principal, now, {"started_on": started_on})

    def terminate(self, principal: Principal, reason: str, now: datetime) -> None:
        """End the project before 开工, with a reason; its open steps are cancelled."""
        self._begin(Move.TERMINATE, principal)
        self.terminated_reason = _clean_text(reason, "reason")
        for step in self.steps:
            if step.status.is_open():
                step.status = StepStatus.CANCELLED
        self._simple_move(Move.TERMINATE, Stage.TERMINATED, principal, now, {"reason": self.terminated_reason})

    def _simple_move(
        self, move: Move, to: Stage, principal: Principal, now: datetime, details: Mapping[str, Any]
    ) -> None:
        before = self.stage
        self._move_to(to, now)
        self._record(
            move.value,
            principal,
            now,
            {"stage": before},
            {"stage": self.stage, **details},
            notify=(Role(RoleKind.OFFICE),),
        )

    def moves_for(self, principal: Principal) -> list[Move]:
        """The moves this person may make on the project now, in the order of the lifecycle.

        A move is offered when the stage is one of its sources, the person is one of its parties, and what it
        needs that the project itself knows is there (a 联审 opinion before approval, land before 挂牌).
        """
        parties = self.parties_of(principal)
        return [
            move
            for move, transition in TRANSITIONS.items()
            if self.stage in transition.sources and parties & transition.parties and self._ready_for(move, principal)
        ]

    def _ready_for(self, move: Move, principal: Principal) -> bool:
        if move is Move.RECORD_DEPARTMENT_OPINION:
            return bool(self.opinion_units(principal, OpinionKind.DEPARTMENT))
        if move is Move.OPEN_APPROVAL:
            return self.joint_review() is not None
        if move in (Move.LIST_LAND, Move.DELIST_LAND):
            return bool(self.form.needs_land)
        if move is Move.START_CONSTRUCTION:
            return not self.form.needs_land or self.stage is Stage.DELISTED
        return True

    def waits_for(self, principal: Principal) -> bool:
        """Whether the project waits on this person: the open step's holder, else whoever's move is next (a
        unit's staff as well as its head), and each 专班 department that has given no opinion yet."""
        roles = principal.roles
        step = self.open_step()
        if step is not None:
            return step.holder in roles
        role = self.is_waiting_on()
        if role is None:
            return False
        if role in roles or (role.kind in (RoleKind.STAFF, RoleKind.HEAD) and _unit_member(roles, role.scope)):
            return True
        return any(_unit_member(roles, unit) for unit in self.departments_owing_opinion())

    def opinion_units(self, principal: Principal, kind: OpinionKind) -> list[str]:
        """The units of this person that give a `kind` opinion on the project: the 联审 department for the 联审,
        the 专班's other departments for a 考察意见 (the 联审 department's 考察 is its 联审)."""
        if kind is OpinionKind.JOINT_REVIEW:
            units = [self.joint_reviewer]
        else:
            units = [u for u in self.task_force_units if u not in (self.landing_unit, self.joint_reviewer)]
        return [unit for unit in units if _unit_member(principal.roles, unit)]

    def departments_owing_opinion(self) -> list[str]:
        """The 专班 departments (besides the 联审 department) that have not given their 考察意见, while negotiating."""
        if self.stage is not Stage.NEGOTIATING:
            return []
        given = {o.unit for o in self.opinions if o.kind is OpinionKind.DEPARTMENT}
        skip = {self.landing_unit, self.joint_reviewer, *given}
        return [unit for unit in self.task_force_units if unit not in skip]

    def waiting_since(self) -> datetime | None:
        """Since when the project has waited for its next move: the open step's opening, else the stage's start."""
        step = self.open_step()
        if step is not None and step.opened_at is not None:
            return step.opened_at
        return self.stage_since

    def is_waiting_on(self) -> Role | None:
        """Whose move it is now, for the project card and /todo."""
        step = self.open_step()
        if step is not None:
            return step.holder
        if self.stage in (Stage.SUBMITTED, Stage.SCREENED, Stage.REVIEWED):
            return Role(RoleKind.OFFICE)
        if self.stage is Stage.NEGOTIATING:
            return Role(RoleKind.OFFICE) if self.joint_review() else Role(RoleKind.STAFF, self.joint_reviewer)
        if self.stage.is_terminal():
            return None
        return Role(RoleKind.STAFF, self.landing_unit)  # the unit's cadres carry the work


# The meetings of 二(三) that move a project along, and the stage a pass leads to.
_LIFECYCLE_MEETINGS: dict[MeetingKind, tuple[Move, Stage]] = {
    MeetingKind.SCREENING: (Move.RECORD_SCREENING, Stage.SCREENED),
    MeetingKind.LEADING_GROUP: (Move.RECORD_LEADING_GROUP_REVIEW, Stage.REVIEWED),
}


def _check_form_values(directory: Directory, values: Mapping[str, Any]) -> None:
    land = values.get("land_mu")
    if land is not None and land <= 0:
        raise InvalidValue(f"land_mu must be above 0, got {land}.", field="land_mu")
    attracting = values.get("attracting_unit")
    if attracting is not None:
        directory.unit(attracting)
    office = values.get("source_liaison_office")
    if office is not None and directory.unit(office).kind is not UnitKind.LIAISON_OFFICE:
        raise InvalidValue(f"{office!r} is not a 驻外招商联络处.", field="source_liaison_office")


# Who may look over every project (/projects): the office and the county's leaders (二(一), Attachment 5).
OVERSEERS = frozenset({RoleKind.OFFICE, RoleKind.COUNTY_HEAD, RoleKind.DEPUTY_HEAD, RoleKind.CONTACT_LEADER})


def oversees_all_projects(principal: Principal) -> bool:
    """Whether this person may list every project: the office and the leaders see all, nobody else any."""
    return any(role.kind in OVERSEERS for role in principal.roles)


def _unit_member(roles: frozenset[Role], unit: str) -> bool:
    return Role(RoleKind.STAFF, unit) in roles or Role(RoleKind.HEAD, unit) in roles
