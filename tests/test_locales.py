"""Both catalogs carry every text the bot uses, with the same placeholders: no user ever sees a bare key."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import bot
from bot.i18n import LANGUAGES, catalog_path
from domain.directory import RoleKind
from domain.errors import DomainError
from domain.form import FORM_FIELDS, FieldKind
from domain.lifecycle import Stage

KEY_IN_CODE = re.compile(r"""_\(\s*"([a-z_]+\.[a-z_.]+)"\s*\)""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def catalog(language: str) -> dict[str, str]:
    with catalog_path(language).open("rb") as po:
        return {str(m.id): str(m.string) for m in read_po(po) if m.id}


CATALOGS = {language: catalog(language) for language in LANGUAGES}


def all_error_codes() -> set[str]:
    """The code of every DomainError subclass anywhere in the layers that raise them."""
    import domain
    import services
    import storage

    for package in (domain, services, storage):
        for module in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
    found, todo = set(), [DomainError]
    while todo:
        cls = todo.pop()
        found.add(cls.code)
        todo += cls.__subclasses__()
    return found


def test_both_catalogs_have_the_same_keys_and_no_empty_text() -> None:
    zh, en = CATALOGS["zh"], CATALOGS["en"]
    assert set(zh) == set(en)
    assert [k for k, v in (zh | en).items() if not v] == []


@pytest.mark.parametrize("key", sorted(CATALOGS["zh"]))
def test_both_languages_fill_the_same_placeholders(key: str) -> None:
    assert set(PLACEHOLDER.findall(CATALOGS["zh"][key])) == set(PLACEHOLDER.findall(CATALOGS["en"][key]))


def test_every_key_the_bot_code_asks_for_exists() -> None:
    used = {k for path in Path(bot.__file__).parent.rglob("*.py") for k in KEY_IN_CODE.findall(path.read_text())}
    assert used, "the pattern should find the keys the handlers use"
    assert sorted(used - set(CATALOGS["zh"])) == []


def test_every_domain_error_stage_role_field_and_hint_has_words() -> None:
    wanted = {f"error.{code}" for code in all_error_codes()}
    wanted |= {f"stage.{s.value}" for s in Stage} | {f"role.{r.value}" for r in RoleKind}
    wanted |= {f"field.{f.name}" for f in FORM_FIELDS} | {f"hint.{k.value}" for k in FieldKind}
    assert sorted(wanted - set(CATALOGS["zh"])) == []


def test_chinese_comes_first_and_speaks_chinese() -> None:
    assert re.search(r"[\u4e00-\u9fff]", CATALOGS["zh"]["start.unbound"])
    assert not re.search(r"[\u4e00-\u9fff]", CATALOGS["en"]["help.bound"])


def test_every_announced_move_has_a_notice() -> None:
    from domain.lifecycle import Move
    from services.events import QUIET_EVENTS

    announced = {m.value for m in Move} - QUIET_EVENTS - {Move.EDIT_FORM.value}  # edits are the quiet form_edited
    assert sorted(f"notice.{name}" for name in announced if f"notice.{name}" not in CATALOGS["zh"]) == []
