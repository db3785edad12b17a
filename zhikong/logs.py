"""Logging for every zhikong process: one level, one format, and the bot token and webhook secret never written.

Libraries put the token into their messages without meaning to: aiogram's "Failed to fetch updates" repeats
aiohttp's error, which names the request URL (`.../bot<token>/getUpdates`), and a proxy's error page that echoes
the path ends up in the exception text. So the redaction works on the final text each root handler writes
(message, arguments, traceback and stack alike), whoever logged it, and the ways Python reports an error without
the logging module (uncaught exceptions, asyncio's handler, warnings) are routed through logging first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import Any
from urllib.parse import quote, quote_plus

from pydantic import SecretStr

from zhikong.settings import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "[redacted]"
log = logging.getLogger("zhikong")


class Redactor:
    """Replaces every spelling of the given secrets in a text by MASK."""

    def __init__(self, secrets: Iterable[str]) -> None:
        spellings: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            # A token is "<bot id>:<secret part>"; the bot id is public, the part after the colon is what matters.
            _, _, secret_part = secret.partition(":")
            for text in (secret, secret_part):
                if text:
                    spellings.update({text, quote(text, safe=""), quote(text), quote_plus(text)})
        # Longest first, so that a whole token is masked as one, not as its bot id plus a masked rest.
        ordered = sorted(spellings, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None

    def __call__(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(MASK, text)


class RedactingFormatter(logging.Formatter):
    """Formats with the handler's own formatter, then masks the secrets in the whole text."""

    def __init__(self, inner: logging.Formatter | None, redact: Redactor) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter(FORMAT)
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(self.inner.format(record))


def secrets_of(settings: Settings) -> list[str]:
    """The values no log line may show."""
    values: list[SecretStr | None] = [settings.bot_token, settings.webhook_secret]
    return [v.get_secret_value() for v in values if v is not None]


def configure_logging(settings: Settings, *, extra_secrets: Iterable[str] = ()) -> Redactor:
    """Sets the level, gives the root logger a handler if it has none, masks the secrets in what every root
    handler writes, and sends uncaught exceptions, asyncio's errors and warnings through logging.

    Safe to call more than once (a later call replaces the secrets); returns the redactor, for text printed
    outside logging."""
    redact = Redactor([*secrets_of(settings), *extra_secrets])
    root = logging.getLogger()
    if not root.handlers:
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(stream)
    root.setLevel(settings.log_level)
    # The scheduler reports every run of the once-a-second delivery job at INFO; only its problems are news.
    logging.getLogger("apscheduler.executors").setLevel(logging.DEBUG if settings.log_level == "DEBUG" else "WARNING")
    for handler in root.handlers:
        inner = handler.formatter
        if isinstance(inner, RedactingFormatter):
            inner = inner.inner
        handler.setFormatter(RedactingFormatter(inner, redact))
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_thread_exception
    with contextlib.suppress(RuntimeError):  # no loop yet: asyncio's default handler logs through logging too
        asyncio.get_running_loop().set_exception_handler(log_asyncio_error)
    return redact


def _log_uncaught(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, tb)
        return
    log.critical("uncaught exception, stopping", exc_info=(kind, error, tb))


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    name = args.thread.name if args.thread else "?"
    log.error("uncaught exception in thread %s", name, exc_info=(args.exc_type, args.exc_value, args.exc_traceback))


def log_asyncio_error(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """asyncio's exception handler, writing through logging like its default does, but always through ours."""
    error = context.get("exception")
    details = ", ".join(f"{k}={v!r}" for k, v in context.items() if k not in ("message", "exception"))
    message = context.get("message") or "unhandled error in the event loop"
    exc_info = (type(error), error, error.__traceback__) if isinstance(error, BaseException) else None
    logging.getLogger("asyncio").error("%s%s", message, f" ({details})" if details else "", exc_info=exc_info)
