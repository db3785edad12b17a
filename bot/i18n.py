"""The gettext catalogs: compiled from the .po files in locales/ at start-up, so no .mo is kept by hand."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from importlib.resources import files
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("zh", "en")
DOMAIN = "messages"


def catalog_path(language: str) -> Path:
    return Path(str(files("locales") / language / "LC_MESSAGES" / f"{DOMAIN}.po"))


@functools.cache
def _compiled_catalogs() -> Path:
    """A private directory of .mo files in the layout aiogram's I18n reads, removed when the process ends."""
    root = Path(tempfile.mkdtemp(prefix="zhikong-locales-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    for language in LANGUAGES:
        with catalog_path(language).open("rb") as po:
            catalog = read_po(po, locale=language)
        target = root / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
        target.parent.mkdir(parents=True)
        with target.open("wb") as mo:
            write_mo(mo, catalog)
    return root


def make_i18n(default_language: str = "zh") -> I18n:
    return I18n(path=_compiled_catalogs(), default_locale=default_language, domain=DOMAIN)


def language_of(telegram_code: str | None, default: str = "zh") -> str:
    """The catalog for a Telegram language code: zh-hans, zh-cn and zh-tw read Chinese; en-* English."""
    if telegram_code:
        primary = telegram_code.lower().split("-")[0]
        if primary in LANGUAGES:
            return primary
    return default
