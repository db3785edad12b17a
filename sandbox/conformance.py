"""Checks a request against the spec: the method exists, required fields are present, no unknown fields,
and every value has one of the spec's types; decodes form strings into typed values on the way."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox.models import Upload
from sandbox.spec import Spec, TypeSpec

# Fields the spec replaced but Telegram still honours and aiogram still sends when asked to:
# each is accepted only where the method has its successor.
LEGACY_FIELDS: dict[str, tuple[tuple[str, ...], str]] = {
    "reply_to_message_id": (("Integer",), "reply_parameters"),
    "allow_sending_without_reply": (("Boolean",), "reply_parameters"),
    "disable_web_page_preview": (("Boolean",), "link_preview_options"),
}

_INTEGER = re.compile(r"-?\d+")
_BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
_ARRAY = "Array of "


@dataclass(frozen=True)
class Violation:
    """One way a request strays from the spec; `field` is a dotted path, or None for the method itself."""

    method: str
    field: str | None
    problem: str

    def __str__(self) -> str:
        where = self.method if self.field is None else f"{self.method}.{self.field}"
        return f"{where}: {self.problem}"


@dataclass
class Checked:
    """A request after checking: its typed parameters, what was wrong, and which required fields are absent."""

    method: str
    params: dict[str, Any]
    violations: list[Violation] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    known_method: bool = True


class _Mismatch(Exception):
    """A value that is none of the types a field allows."""


class Checker:
    """Checks requests against one spec."""

    def __init__(self, spec: Spec, *, allow_legacy: bool = True) -> None:
        self.spec = spec
        self.allow_legacy = allow_legacy

    def check(self, method: str, raw: Mapping[str, Any], uploads: Mapping[str, Upload]) -> Checked:
        """Every violation in the request, plus its parameters decoded to the spec's types."""
        spec = self.spec.method(method)
        if spec is None:
            checked = Checked(method=method, params=dict(raw), known_method=False)
            checked.violations.append(Violation(method, None, "no such method in the Bot API spec"))
            return checked
        checked = Checked(method=spec.name, params={})
        for name, value in raw.items():
            if value is None:
                # A JSON null reaches Telegram's server as an absent parameter.
                continue
            fspec = spec.fields.get(name)
            if fspec is not None:
                types = fspec.types
            elif self.allow_legacy and name in LEGACY_FIELDS and LEGACY_FIELDS[name][1] in spec.fields:
                types = LEGACY_FIELDS[name][0]
            else:
                checked.violations.append(Violation(spec.name, name, "unknown field"))
                continue
            problems: list[str] = []
            checked.params[name] = self._decode(value, types, name, uploads, problems)
            checked.violations.extend(Violation(spec.name, path, p) for path, p in _split(problems))
        for name, upload in uploads.items():
            if name in spec.fields and name not in raw:
                if "InputFile" in spec.fields[name].types:
                    checked.params[name] = upload
                else:
                    checked.violations.append(Violation(spec.name, name, "a file upload where none is allowed"))
        for name in spec.required():
            if name not in checked.params or checked.params[name] in ("", None):
                checked.missing.append(name)
                checked.violations.append(Violation(spec.name, name, "required field is missing"))
        return checked

    def check_object(self, value: Any, type_name: str, path: str = "") -> list[str]:
        """Problems (as 'path: problem') with a JSON value that should be of `type_name`."""
        problems: list[str] = []
        try:
            self._decode_one(value, type_name, path or type_name, {}, problems, form=False)
        except _Mismatch as e:
            problems.append(f"{path or type_name}: {e}")
        return problems

    def _decode(
        self, value: Any, types: tuple[str, ...], path: str, uploads: Mapping[str, Upload], problems: list[str]
    ) -> Any:
        best: list[str] | None = None
        best_value: Any = value
        for type_name in types:
            attempt: list[str] = []
            try:
                decoded = self._decode_one(value, type_name, path, uploads, attempt, form=True)
            except _Mismatch:
                continue
            if not attempt:
                return decoded
            if best is None or len(attempt) < len(best):
                best, best_value = attempt, decoded
        if best is not None:
            problems.extend(best)
            return best_value
        problems.append(f"{path}: expected {' or '.join(types)}, got {_show(value)}")
        return value

    def _decode_one(
        self, value: Any, type_name: str, path: str, uploads: Mapping[str, Upload], problems: list[str], *, form: bool
    ) -> Any:
        if type_name.startswith(_ARRAY):
            items = _json_if_text(value, list) if form else value
            if not isinstance(items, list):
                raise _Mismatch(f"expected {type_name}")
            inner = type_name[len(_ARRAY) :]
            out = []
            for i, item in enumerate(items):
                try:
                    out.append(self._decode_one(item, inner, f"{path}[{i}]", uploads, problems, form=False))
                except _Mismatch as e:
                    problems.append(f"{path}[{i}]: {e}, got {_show(item)}")
                    out.append(item)
            return out
        scalar = _decode_scalar(value, type_name, uploads, form=form)
        if scalar is not _NOT_SCALAR:
            return scalar
        tspec = self.spec.type(type_name)
        if tspec is None:
            return value
        obj = _json_if_text(value, dict) if form else value
        if not isinstance(obj, dict):
            raise _Mismatch(f"expected {type_name} (a JSON object)")
        if tspec.subtypes:
            problems.extend(self._best_subtype(obj, tspec, path, uploads))
        else:
            self._check_fields(obj, tspec, path, uploads, problems)
        return obj

    def _best_subtype(
        self, obj: dict[str, Any], tspec: TypeSpec, path: str, uploads: Mapping[str, Upload]
    ) -> list[str]:
        best: list[str] | None = None
        for sub in tspec.subtypes:
            attempt: list[str] = []
            try:
                self._decode_one(obj, sub, path, uploads, attempt, form=False)
            except _Mismatch as e:
                attempt.append(f"{path}: {e}")
            if not attempt:
                return []
            if best is None or len(attempt) < len(best):
                best = attempt
        return best or []

    def _check_fields(
        self, obj: dict[str, Any], tspec: TypeSpec, path: str, uploads: Mapping[str, Upload], problems: list[str]
    ) -> None:
        for key, item in obj.items():
            fspec = tspec.fields.get(key)
            if fspec is None:
                problems.append(f"{path}.{key}: unknown field of {tspec.name}")
                continue
            self._decode_nested(item, fspec.types, f"{path}.{key}", uploads, problems)
        for fspec in tspec.fields.values():
            if fspec.required and fspec.name not in obj:
                problems.append(f"{path}.{fspec.name}: required field of {tspec.name} is missing")

    def _decode_nested(
        self, value: Any, types: tuple[str, ...], path: str, uploads: Mapping[str, Upload], problems: list[str]
    ) -> None:
        best: list[str] | None = None
        for type_name in types:
            attempt: list[str] = []
            try:
                self._decode_one(value, type_name, path, uploads, attempt, form=False)
            except _Mismatch:
                continue
            if not attempt:
                return
            if best is None or len(attempt) < len(best):
                best = attempt
        problems.extend(best if best is not None else [f"{path}: expected {' or '.join(types)}, got {_show(value)}"])


_NOT_SCALAR = object()


def _decode_scalar(value: Any, type_name: str, uploads: Mapping[str, Upload], *, form: bool) -> Any:
    """The value as the scalar `type_name`, _NOT_SCALAR if that is an object type; raises _Mismatch."""
    text = form and isinstance(value, str)
    if type_name == "String":
        if isinstance(value, str):
            return value
        raise _Mismatch("expected String")
    if type_name == "Integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if text and _INTEGER.fullmatch(value.strip()):
            return int(value)
        raise _Mismatch("expected Integer")
    if type_name == "Float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if text:
            try:
                return float(value)
            except ValueError:
                pass
        raise _Mismatch("expected Float")
    if type_name in ("Boolean", "True"):
        if isinstance(value, bool):
            return value
        if text and value.strip().lower() in _BOOLEANS:
            return _BOOLEANS[value.strip().lower()]
        raise _Mismatch("expected Boolean")
    if type_name == "InputFile":
        if isinstance(value, Upload):
            return value
        if isinstance(value, str) and value.startswith("attach://") and value[9:] in uploads:
            return uploads[value[9:]]
        raise _Mismatch("expected an uploaded file")
    return _NOT_SCALAR


def _json_if_text(value: Any, kind: type) -> Any:
    """Form fields carry objects and arrays as JSON text; anything unparsable stays as it was."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
        return parsed if isinstance(parsed, kind) else value
    return value


def _split(problems: list[str]) -> list[tuple[str, str]]:
    """'a.b: problem' strings as (path, problem) pairs."""
    out = []
    for p in problems:
        path, _, problem = p.partition(": ")
        out.append((path, problem))
    return out


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
