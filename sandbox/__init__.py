"""A stateful fake Telegram Bot API for end-to-end tests and the browser sandbox.

One model (sandbox.core.Core) reached two ways: in-process through an aiogram session
(FakeTelegram.bot()/session()) or over HTTP (SandboxServer), plus a control API for playing people.
"""

from __future__ import annotations

from sandbox.conformance import Violation
from sandbox.core import RequestRecord
from sandbox.fake import CallbackAnswer, ConformanceError, FakeTelegram, SettleTimeout
from sandbox.limits import Limits, ManualClock
from sandbox.models import Status
from sandbox.scenario import Conversation, MessageView, Person
from sandbox.server import SandboxServer, create_app
from sandbox.session import InProcessSession

__all__ = [
    "CallbackAnswer",
    "ConformanceError",
    "Conversation",
    "FakeTelegram",
    "InProcessSession",
    "Limits",
    "ManualClock",
    "MessageView",
    "Person",
    "RequestRecord",
    "SandboxServer",
    "SettleTimeout",
    "Status",
    "Violation",
    "create_app",
]
