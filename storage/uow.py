"""The unit of work: one transaction that rolls back unless the use case commits it."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from domain.errors import DomainError
from storage.bot_state import CardRepository, ConversationStateRepository, InviteRepository, ProcessedUpdates
from storage.bulletins import BulletinRepository
from storage.liaison import LiaisonRepository
from storage.orm import start_mappers
from storage.outbox_review import OutboxReview
from storage.progress import ProgressRepository
from storage.repositories import (
    AuditLog,
    CalendarRepository,
    Outbox,
    PeopleRepository,
    ProjectRepository,
    UnitRepository,
)
from storage.supervision import AlarmLedger, AssessmentMarks
from storage.targets import TargetRepository
from storage.tasks import TaskRepository


class ConcurrentUpdate(DomainError):
    """Someone else changed the same record first; nothing of this attempt was saved."""

    code = "concurrent_update"


class UnitOfWork:
    projects: ProjectRepository
    people: PeopleRepository
    units: UnitRepository
    audit: AuditLog
    outbox: Outbox
    outbox_review: OutboxReview
    calendar: CalendarRepository
    invites: InviteRepository
    conversations: ConversationStateRepository
    processed_updates: ProcessedUpdates
    cards: CardRepository
    alarms: AlarmLedger
    marks: AssessmentMarks
    progress: ProgressRepository
    tasks: TaskRepository
    bulletins: BulletinRepository
    targets: TargetRepository
    liaison: LiaisonRepository

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, read_only: bool = False) -> None:
        self._sessions = sessions
        self._read_only = read_only
        self._committed = False

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._sessions()
        if self._read_only:
            await self.session.connection(execution_options={"zhikong_read_only": True})
        self.projects = ProjectRepository(self.session)
        self.people = PeopleRepository(self.session)
        self.units = UnitRepository(self.session)
        self.audit = AuditLog(self.session)
        self.outbox = Outbox(self.session)
        self.outbox_review = OutboxReview(self.session)
        self.calendar = CalendarRepository(self.session)
        self.invites = InviteRepository(self.session)
        self.conversations = ConversationStateRepository(self.session)
        self.processed_updates = ProcessedUpdates(self.session)
        self.cards = CardRepository(self.session)
        self.alarms = AlarmLedger(self.session)
        self.marks = AssessmentMarks(self.session)
        self.progress = ProgressRepository(self.session)
        self.tasks = TaskRepository(self.session)
        self.bulletins = BulletinRepository(self.session)
        self.targets = TargetRepository(self.session)
        self.liaison = LiaisonRepository(self.session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self._read_only:
                # Detach what was read so callers keep using it after the transaction ends.
                self.session.expunge_all()
            if not self._committed:
                await self.session.rollback()
        finally:
            await self.session.close()

    async def flush(self) -> None:
        try:
            await self.session.flush()
        except StaleDataError as error:
            raise ConcurrentUpdate(f"A concurrent change won: {error}") from error

    async def commit(self) -> None:
        """Make everything staged in this unit of work permanent, or nothing of it."""
        if self._read_only:
            raise RuntimeError("A read-only unit of work cannot commit.")
        try:
            await self.session.commit()
        except StaleDataError as error:
            raise ConcurrentUpdate(f"A concurrent change won: {error}") from error
        self._committed = True


class Database:
    """The engine and the factory of units of work for one database."""

    def __init__(self, engine: AsyncEngine) -> None:
        start_mappers()
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self._sessions, read_only=read_only)

    async def dispose(self) -> None:
        await self.engine.dispose()
