"""configure_logging masks the token and the webhook secret in everything the root handlers write, whichever
library logged it and however Python reported the error: messages, arguments, tracebacks, warnings, uncaught
exceptions in the main thread, in other threads and in asyncio."""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import threading
import warnings
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from pydantic import SecretStr

from tests.faults.test_token_redaction import leaking_lines, new_token
from zhikong.logs import MASK, configure_logging
from zhikong.settings import Settings

TOKEN = new_token()
SECRET = "wh-secret_4Qz7Lp2Vx9"
URL = f"http://127.0.0.1:8081/bot{TOKEN}/getUpdates"


@pytest.fixture
def written() -> Iterator[io.StringIO]:
    """What the root handler writes after configure_logging at DEBUG; the logging set-up is restored after."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, sys.excepthook, threading.excepthook
    stream = io.StringIO()
    root.handlers = [logging.StreamHandler(stream)]
    configure_logging(Settings(bot_token=SecretStr(TOKEN), webhook_secret=SecretStr(SECRET), log_level="DEBUG"))
    try:
        yield stream
    finally:
        root.handlers, level, sys.excepthook, threading.excepthook = saved
        root.setLevel(level)
        logging.captureWarnings(False)


def test_messages_arguments_and_tracebacks_are_masked(written: io.StringIO) -> None:
    library = logging.getLogger("aiohttp.client")
    library.debug("request to %s", URL)
    library.info("quoted: %s", quote(URL, safe=""))
    library.warning("secret part alone: %s, webhook secret %s", TOKEN.partition(":")[2], quote(SECRET))
    try:
        raise ConnectionError(f"Can not write request body for {URL}")
    except ConnectionError:
        logging.getLogger("aiogram.dispatcher").exception("Failed to fetch updates")
    logging.getLogger("zhikong").error("header %s", {"X-Telegram-Bot-Api-Secret-Token": SECRET}, stack_info=True)
    output = written.getvalue()
    assert "Failed to fetch updates" in output and "ConnectionError" in output
    assert output.count(MASK) >= 6
    assert leaking_lines(output, TOKEN, SECRET) == []


def test_warnings_and_uncaught_exceptions_go_through_the_masking_handler(written: io.StringIO) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn(f"unclosed session to {URL}", ResourceWarning, stacklevel=1)
    try:
        raise RuntimeError(f"webhook secret {SECRET} refused")
    except RuntimeError as error:
        sys.excepthook(RuntimeError, error, error.__traceback__)

    def fail() -> None:
        raise OSError(f"thread lost {URL}")

    thread = threading.Thread(target=fail, name="sender")
    thread.start()
    thread.join(5)
    output = written.getvalue()
    assert "unclosed session" in output and "webhook secret" in output and "thread lost" in output
    assert leaking_lines(output, TOKEN, SECRET) == []


async def test_asyncio_errors_go_through_the_masking_handler(written: io.StringIO) -> None:
    configure_logging(Settings(bot_token=SecretStr(TOKEN), webhook_secret=SecretStr(SECRET), log_level="DEBUG"))
    loop = asyncio.get_running_loop()
    try:
        loop.call_exception_handler(
            {"message": "Task exception was never retrieved", "exception": OSError(f"lost {URL} ({SECRET})")}
        )
    finally:
        loop.set_exception_handler(None)
    output = written.getvalue()
    assert "Task exception was never retrieved" in output and "OSError" in output
    assert leaking_lines(output, TOKEN, SECRET) == []


def test_a_second_call_takes_the_new_level_and_token(written: io.StringIO) -> None:
    other = new_token()
    configure_logging(Settings(bot_token=SecretStr(other), log_level="INFO"))
    logging.getLogger("zhikong").info("old %s new %s", TOKEN, other)
    logging.getLogger("zhikong").debug("not shown at INFO: %s", other)
    output = written.getvalue()
    assert leaking_lines(output, other) == [] and "not shown" not in output
