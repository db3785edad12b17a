"""The database schema. Alembic migrations under storage/migrations are written against this metadata."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from domain.approval import Actor, StepAction
from domain.lifecycle import Stage
from domain.records import MeetingKind, OpinionKind, Outcome, StepStatus
from storage.types import FormType, RoleType, UtcDateTime, enum_of

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

units = Table(
    "units",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("categories", JSON, nullable=False, default=list),
    Column("note", Text, nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("telegram_user_id", BigInteger, unique=True),
    Column("display_name", String(100), nullable=False),
    Column("language", String(8), nullable=False, default="zh"),
    Column("created_at", UtcDateTime, nullable=False),
)

role_assignments = Table(
    "role_assignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("people.id"), nullable=False),
    Column("role", RoleType, nullable=False),
    Column("granted_at", UtcDateTime, nullable=False),
    Column("granted_by", ForeignKey("people.id")),
    Column("revoked_at", UtcDateTime),
    Index("ix_role_assignments_role_active", "role", "revoked_at"),
)

projects = Table(
    "projects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("landing_unit", ForeignKey("units.code"), nullable=False, index=True),
    Column("deputy", RoleType, nullable=False),
    Column("joint_reviewer", ForeignKey("units.code"), nullable=False),
    Column("declared_by_jinpan", Boolean, nullable=False),
    Column("created_by", ForeignKey("people.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("stage", enum_of(Stage), nullable=False, index=True),
    Column("stage_since", UtcDateTime),
    Column("form", FormType, nullable=False),
    Column("argued_on", Date),
    Column("submitted_at", UtcDateTime),
    Column("task_force_units", JSON, nullable=False, default=list),
    Column("task_force_formed_on", Date),
    Column("round_no", Integer, nullable=False, default=0),
    Column("agreement_signed_on", Date),
    Column("agreement_no", String(100), nullable=False, default=""),
    Column("listed_on", Date),
    Column("delisted_on", Date),
    Column("construction_started_on", Date),
    Column("terminated_reason", Text, nullable=False, default=""),
    Column("group_chat_id", BigInteger, unique=True),
    # The pinned project card in the group, and the project version it last showed (edited in place).
    Column("card_message_id", BigInteger),
    Column("card_version", Integer, nullable=False, default=0),
    # What the card shows of the deadlines (colour and nearest due date, domain.step_deadlines.CardSignal.stamp);
    # NULL asks for a redraw: the deadlines reconciler clears it when the colour changed with time alone.
    Column("card_signal", String(60)),
    # A digest of what the card shows (bot.cards.card_digest, its "updated" line left out): an edit to the same
    # is not sent.
    Column("card_digest", String(64)),
    Column("version", Integer, nullable=False),
)

approval_steps = Table(
    "approval_steps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("round_no", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("actor", enum_of(Actor), nullable=False),
    Column("action", enum_of(StepAction), nullable=False),
    Column("holder", RoleType, nullable=False),
    Column("status", enum_of(StepStatus), nullable=False),
    Column("opened_at", UtcDateTime),
    Column("decided_by", ForeignKey("people.id")),
    Column("decided_at", UtcDateTime),
    Column("comment", Text, nullable=False, default=""),
    Column("meeting_held_on", Date),
    Column("minutes_no", String(50), nullable=False, default=""),
    Column("version", Integer, nullable=False),
    UniqueConstraint("project_id", "round_no", "seq", name="uq_approval_steps_project_round_seq"),
    Index("ix_approval_steps_holder_status", "holder", "status"),
)

meeting_records = Table(
    "meeting_records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", enum_of(MeetingKind), nullable=False),
    Column("outcome", enum_of(Outcome), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("minutes_no", String(50), nullable=False),
    Column("recorded_by", ForeignKey("people.id"), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("note", Text, nullable=False, default=""),
)

opinions = Table(
    "opinions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", enum_of(OpinionKind), nullable=False),
    Column("unit", ForeignKey("units.code"), nullable=False),
    Column("text", Text, nullable=False),
    Column("inspector", String(100), nullable=False),
    Column("given_on", Date, nullable=False),
    Column("author", ForeignKey("people.id"), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
)

# Append-only: migrations add a trigger on each backend that refuses UPDATE and DELETE.
audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("actor_person_id", ForeignKey("people.id")),
    Column("subject_type", String(30), nullable=False),
    Column("subject_id", Integer, nullable=False),
    Column("name", String(60), nullable=False),
    Column("before", JSON, nullable=False),
    Column("after", JSON, nullable=False),
    Index("ix_audit_events_subject", "subject_type", "subject_id"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", ForeignKey("audit_events.id"), nullable=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("message_key", String(80), nullable=False),
    Column("params", JSON, nullable=False),
    Column("status", String(12), nullable=False, server_default=text("'pending'")),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("not_before", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Column("sent_message_id", BigInteger),
    Column("last_error", Text),
    # A 补发 the office ordered of a row that did not surely arrive: a new row on an event of its own, so it
    # never collides with (event, chat); unique, so one row is re-sent at most once.
    Column("resend_of", ForeignKey("outbox.id"), unique=True),
    # When the office was told of this row (unknown or failed), and how a person dealt with it after a look.
    Column("reported_at", UtcDateTime),
    Column("resolved_at", UtcDateTime),
    Column("resolved_by", ForeignKey("people.id")),
    Column("resolution", String(12)),  # "resent" or "not_needed"
    UniqueConstraint("event_id", "chat_id", name="uq_outbox_event_chat"),
    Index("ix_outbox_status", "status", "not_before"),
)

# Days the 领导小组办公室 adds to the national calendar (e.g. for a year not yet published).
calendar_days = Table(
    "calendar_days",
    metadata,
    Column("day", Date, primary_key=True),
    Column("is_workday", Boolean, nullable=False),
    Column("note", String(100), nullable=False, default=""),
    Column("added_by", ForeignKey("people.id")),
    Column("added_at", UtcDateTime, nullable=False),
)

# One-time invite links an admin makes for a role; only the code's hash is kept, so a leaked table binds no one.
invites = Table(
    "invites",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("role", RoleType, nullable=False),
    Column("replaces_holder", Boolean, nullable=False, default=False),
    Column("created_by", ForeignKey("people.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_by", ForeignKey("people.id")),
    Column("used_at", UtcDateTime),
)

# Conversation state (aiogram FSM), so a restart loses no answer: one row per (bot, chat, user, thread).
fsm_states = Table(
    "fsm_states",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("state", String(200)),
    Column("data", JSON, nullable=False, default=dict),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Updates already handled, so Telegram's redelivery of one after a crash or retry does nothing twice.
processed_updates = Table(
    "processed_updates",
    metadata,
    Column("update_id", BigInteger, primary_key=True),
    Column("handled_at", UtcDateTime, nullable=False),
)
