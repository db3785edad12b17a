"""Column types that carry domain values exactly: aware UTC datetimes, roles, and the form as JSON."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from domain.directory import Role
from domain.form import ApprovalForm


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always gives back aware UTC datetimes (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"Refusing to store naive datetime {value!r}: pass an aware one.")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class RoleType(TypeDecorator[Role]):
    """A role as its "kind:scope" text, so holders can be matched with plain equality."""

    impl = String(80)
    cache_ok = True

    def process_bind_param(self, value: Role | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Role | None:
        return None if value is None else Role.parse(value)


def to_primitive(value: Any) -> Any:
    """A JSON-ready form of a value built from dataclasses, enums, Decimals, dates and sequences."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Role):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_primitive(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_primitive(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [to_primitive(v) for v in value]
    raise TypeError(f"Cannot store {type(value).__name__} value {value!r} as JSON.")


def from_primitive(hint: Any, value: Any) -> Any:
    """Rebuild a value of type `hint` from what `to_primitive` made."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return from_primitive(options[0], value)
    if origin in (list, tuple):
        (inner, *_) = typing.get_args(hint)
        items = [from_primitive(inner, v) for v in value]
        return items if origin is list else tuple(items)
    if isinstance(hint, type):
        if issubclass(hint, Enum):
            return hint(value)
        if hint is Decimal:
            return Decimal(value)
        if hint is date:
            return date.fromisoformat(value)
        if dataclasses.is_dataclass(hint):
            resolved = typing.get_type_hints(hint)
            known = {f.name for f in dataclasses.fields(hint)}
            return hint(**{k: from_primitive(resolved[k], v) for k, v in value.items() if k in known})
    return value


class FormType(TypeDecorator[ApprovalForm]):
    """The 审批表 draft as JSON; fields added to the form later read back as empty."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: ApprovalForm | None, dialect: Dialect) -> Any:
        return None if value is None else to_primitive(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> ApprovalForm | None:
        return None if value is None else typing.cast(ApprovalForm, from_primitive(ApprovalForm, value))


def enum_of(enum: type[Enum], length: int = 20) -> SAEnum:
    """A column type storing the enum's values (not its member names) as plain text."""
    return SAEnum(
        enum, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e], validate_strings=True
    )
