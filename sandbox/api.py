"""One Bot API call, whichever way it came in: token, conformance, the method itself, the answer and the log."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sandbox.conformance import Violation
from sandbox.errors import NOT_FOUND, UNAUTHORIZED, ApiError, missing_parameter
from sandbox.methods import HANDLERS, Call, Described
from sandbox.models import Upload

if TYPE_CHECKING:
    from sandbox.core import Core

log = logging.getLogger(__name__)

# Long polls wait by design; counting them as in flight would keep settle() from ever settling.
_NOT_WORK = {"getupdates"}


@dataclass(frozen=True)
class Reply:
    """Telegram's answer to one call, and what was wrong with the request."""

    status: int
    body: dict[str, Any]
    violations: list[Violation] = field(default_factory=list)


class BotApi:
    """Routes calls to the method handlers and answers in Telegram's shape."""

    def __init__(self, core: Core) -> None:
        self.core = core

    async def call(
        self, token: str, method: str, raw: Mapping[str, Any], uploads: Mapping[str, Upload], *, transport: str
    ) -> Reply:
        """Runs one call and logs it; never raises for anything Telegram would answer."""
        activity = self.core.activity
        serial = None if method.lower() in _NOT_WORK else activity.start(method)
        try:
            return await self._call(token, method, raw, uploads, transport)
        finally:
            if serial is not None:
                activity.finish(serial)

    async def _call(
        self, token: str, method: str, raw: Mapping[str, Any], uploads: Mapping[str, Upload], transport: str
    ) -> Reply:
        core = self.core
        if token != core.token:
            return self._answer(method, dict(raw), ApiError(401, UNAUTHORIZED), transport, [])
        checked = core.checker.check(method, raw, uploads)
        core.violations.extend(checked.violations)
        for violation in checked.violations:
            log.warning("Bot API conformance: %s", violation)
        handler = HANDLERS.get(checked.method.lower()) if checked.known_method else None
        if handler is None:
            if checked.known_method:
                log.warning("the sandbox does not model %s; answering 404 Not Found", checked.method)
            return self._answer(checked.method, checked.params, ApiError(404, NOT_FOUND), transport, checked.violations)
        if checked.missing:
            error = missing_parameter(checked.missing[0])
            return self._answer(checked.method, checked.params, error, transport, checked.violations)
        try:
            result = await handler(Call(core=core, method=checked.method, params=checked.params))
        except ApiError as error:
            return self._answer(checked.method, checked.params, error, transport, checked.violations)
        return self._answer(checked.method, checked.params, result, transport, checked.violations)

    def _answer(
        self, method: str, params: dict[str, Any], outcome: Any, transport: str, violations: list[Violation]
    ) -> Reply:
        if isinstance(outcome, ApiError):
            self.core.record(method, params, outcome.code, outcome.description, transport)
            return Reply(outcome.code, outcome.body(), violations)
        body: dict[str, Any] = {"ok": True}
        if isinstance(outcome, Described):
            body["result"], body["description"] = outcome.result, outcome.description
        else:
            body["result"] = outcome
        self.core.record(method, params, 200, body.get("description"), transport, body["result"])
        return Reply(200, body, violations)
