"""Maps the domain's classes onto the tables imperatively, so domain/ never imports SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.orm import registry, relationship

from domain.people import Person, RoleAssignment
from domain.project import Project
from domain.records import ApprovalStep, MeetingRecord, Opinion
from storage import tables

mapper_registry = registry(metadata=tables.metadata)
_mapped = False


def start_mappers() -> None:
    """Map the domain classes once per process; later calls do nothing."""
    global _mapped
    if _mapped:
        return
    _mapped = True
    mapper_registry.map_imperatively(
        ApprovalStep,
        tables.approval_steps,
        version_id_col=tables.approval_steps.c.version,
    )
    mapper_registry.map_imperatively(Person, tables.people)
    mapper_registry.map_imperatively(RoleAssignment, tables.role_assignments)
    mapper_registry.map_imperatively(MeetingRecord, tables.meeting_records)
    mapper_registry.map_imperatively(Opinion, tables.opinions)
    mapper_registry.map_imperatively(
        Project,
        tables.projects,
        properties={
            "steps": relationship(
                ApprovalStep,
                order_by=[tables.approval_steps.c.round_no, tables.approval_steps.c.seq],
                cascade="all, delete-orphan",
                lazy="selectin",
            ),
            "meetings": relationship(
                MeetingRecord, order_by=tables.meeting_records.c.id, cascade="all, delete-orphan", lazy="selectin"
            ),
            "opinions": relationship(
                Opinion, order_by=tables.opinions.c.id, cascade="all, delete-orphan", lazy="selectin"
            ),
        },
        version_id_col=tables.projects.c.version,
        # The pinned card is the bot's presentation, kept by storage.cards, not part of the domain's project.
        exclude_properties=["card_message_id", "card_version", "card_signal", "card_digest"],
    )
