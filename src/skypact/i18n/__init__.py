"""English and Russian text for every user-facing message.

Messages are gettext catalogs (``locale/<lang>/LC_MESSAGES/skypact.po``) read with Babel at
first use; the msgid is the English text with ``{name}`` placeholders.  Nothing is read at
import time.

>>> translate("no conflict", "ru")
'конфликтов нет'
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Literal

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

Lang = Literal["en", "ru"]
LANGS: tuple[Lang, ...] = ("en", "ru")

__all__ = ["LANGS", "N_", "Lang", "catalog", "render", "translate", "translate_plural"]


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it."""
    return msgid


@lru_cache(maxsize=4)
def catalog(lang: Lang) -> Catalog:
    """The parsed Babel catalog of one language."""
    path = resources.files("skypact.i18n") / "locale" / lang / "LC_MESSAGES" / "skypact.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


@lru_cache(maxsize=4)
def _plural_func(lang: Lang) -> Callable[[int], int]:
    return gettext.c2py(catalog(lang).plural_expr)


@lru_cache(maxsize=8192)  # the catalogs never change once read; a notification looks up a dozen texts
def translate(msgid: str, lang: Lang) -> str:
    """The text of ``msgid`` in ``lang``; the English msgid when a form is missing."""
    msg = catalog(lang).get(msgid)
    if msg is None or not msg.string or isinstance(msg.string, tuple):
        return msgid
    return str(msg.string)


def translate_plural(singular: str, plural: str, n: int, lang: Lang) -> str:
    """The plural form of a message for count ``n`` (Russian has three forms)."""
    msg = catalog(lang).get(singular)
    forms = msg.string if msg is not None else None
    if isinstance(forms, tuple) and all(forms):
        return str(forms[min(_plural_func(lang)(n), len(forms) - 1)])
    return singular if n == 1 else plural


def render(msgid: str, lang: Lang, params: Mapping[str, object] | None = None) -> str:
    """Translate ``msgid`` and fill its ``{placeholders}``."""
    text = translate(msgid, lang)
    return text.format(**params) if params else text
