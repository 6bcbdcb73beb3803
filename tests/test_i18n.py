"""The EN/RU catalogs: complete, consistent placeholders, real Russian, Russian plurals."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from skypact.i18n import catalog, translate, translate_plural

SRC = Path(__file__).parents[1] / "src" / "skypact"
CYR = re.compile("[а-яА-ЯёЁ]")
# short strings that are the same, or need no Cyrillic, in both languages
ALLOW_SAME = {" or "}


def _code_msgids() -> set[str]:
    return {m if isinstance(m, str) else m[0]
            for _, _, m, _, _ in extract_from_dir(str(SRC), method_map=[("**.py", "python")], keywords={"N_": None})}


def _fields(s: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_message_in_the_code_is_in_the_catalog(lang: str) -> None:
    have: set[str] = set()
    for m in catalog(lang):
        if m.id:
            have |= {m.id} if isinstance(m.id, str) else set(m.id)
    missing = _code_msgids() - have
    assert not missing, f"add to src/skypact/i18n/locale/{lang}/LC_MESSAGES/skypact.po: {sorted(missing)}"


def test_russian_forms_are_russian_with_the_same_placeholders() -> None:
    for m in catalog("ru"):
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        assert all(strings), f"no Russian form for {m.id!r}"
        for s in strings:
            assert _fields(s) == _fields(ids[0]), (m.id, s)
            if ids[0] not in ALLOW_SAME:
                assert s != ids[0], f"Russian equals English: {m.id!r}"
                assert CYR.search(s), f"no Cyrillic in the Russian form of {m.id!r}: {s!r}"


def test_english_forms_equal_msgids() -> None:
    for m in catalog("en"):
        if m.id and isinstance(m.id, str):
            assert translate(m.id, "en") == m.id


@pytest.mark.parametrize(("n", "word"), [(1, "конфликт"), (2, "конфликта"), (5, "конфликтов"), (21, "конфликт"),
                                         (11, "конфликтов"), (22, "конфликта")])
def test_russian_plurals(n: int, word: str) -> None:
    assert translate_plural("{n} conflict", "{n} conflicts", n, "ru").format(n=n) == f"{n} {word}"
    assert translate_plural("{n} conflict", "{n} conflicts", n, "en").format(n=n).endswith(
        "conflict" if n == 1 else "conflicts")
