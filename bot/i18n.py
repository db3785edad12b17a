"""Load the gettext catalogs straight from the .po files in locales/, compiled in memory at start-up."""

from __future__ import annotations

import gettext
from importlib.resources import files
from io import BytesIO
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("zh", "en")
DOMAIN = "messages"


def catalog_path(language: str) -> Path:
    return Path(str(files("locales") / language / "LC_MESSAGES" / f"{DOMAIN}.po"))


class PoI18n(I18n):
    """aiogram's I18n, reading .po files so that no compiled .mo file has to be kept in step by hand."""

    def find_locales(self) -> dict[str, gettext.GNUTranslations]:
        translations: dict[str, gettext.GNUTranslations] = {}
        for language in LANGUAGES:
            with catalog_path(language).open("rb") as po:
                catalog = read_po(po, locale=language)
            compiled = BytesIO()
            write_mo(compiled, catalog)
            compiled.seek(0)
            translations[language] = gettext.GNUTranslations(compiled)
        return translations


def make_i18n(default_language: str = "zh") -> PoI18n:
    return PoI18n(path=Path(str(files("locales"))), default_locale=default_language, domain=DOMAIN)


def language_of(telegram_code: str | None, default: str = "zh") -> str:
    """The catalog for a Telegram language code: zh-hans, zh-cn and zh-tw read Chinese; en-* English."""
    if telegram_code:
        primary = telegram_code.lower().split("-")[0]
        if primary in LANGUAGES:
            return primary
    return default
