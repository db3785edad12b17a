"""The Bot API description (methods, types, fields) the sandbox checks every request against."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

SPEC_FILE = "telegram-bot-api-10.1.json"


@dataclass(frozen=True)
class FieldSpec:
    """One parameter of a method or one field of a type, as the spec lists it."""

    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class MethodSpec:
    """A Bot API method and its parameters."""

    name: str
    fields: dict[str, FieldSpec] = field(hash=False)

    def required(self) -> list[str]:
        """The names of the parameters a request must carry."""
        return [f.name for f in self.fields.values() if f.required]


@dataclass(frozen=True)
class TypeSpec:
    """A Bot API object type: its fields, or the subtypes it is a union of."""

    name: str
    fields: dict[str, FieldSpec] = field(hash=False)
    subtypes: tuple[str, ...] = ()


def _fields(raw: list[dict[str, Any]]) -> dict[str, FieldSpec]:
    return {f["name"]: FieldSpec(name=f["name"], types=tuple(f["types"]), required=bool(f["required"])) for f in raw}


class Spec:
    """Read-only lookup of methods (case-insensitively, as Telegram does) and types."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.version: str = raw["version"]
        self._methods = {
            name.lower(): MethodSpec(name=name, fields=_fields(m.get("fields", [])))
            for name, m in raw["methods"].items()
        }
        self._types = {
            name: TypeSpec(name=name, fields=_fields(t.get("fields", [])), subtypes=tuple(t.get("subtypes", [])))
            for name, t in raw["types"].items()
        }

    def method(self, name: str) -> MethodSpec | None:
        """The method called `name` in any letter case, or None if the spec has no such method."""
        return self._methods.get(name.lower())

    def type(self, name: str) -> TypeSpec | None:
        """The type called `name`, or None for scalars and unknown names."""
        return self._types.get(name)

    def method_names(self) -> list[str]:
        """Every method name in its canonical spelling."""
        return [m.name for m in self._methods.values()]


@cache
def load_spec() -> Spec:
    """The spec shipped as package data (loaded once per process)."""
    text = resources.files("sandbox").joinpath(SPEC_FILE).read_text(encoding="utf-8")
    return Spec(json.loads(text))
