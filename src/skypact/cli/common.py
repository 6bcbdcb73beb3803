"""What every subcommand shares: languages, bilingual errors, exit codes, progress."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from skypact.errors import SkypactError
from skypact.i18n import Lang, render, translate_plural

EXIT_OK = 0
EXIT_CONFLICTS = 1
EXIT_BAD_INPUT = 2

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class LangChoice(StrEnum):
    en = "en"
    ru = "ru"
    both = "both"

    def langs(self) -> tuple[Lang, ...]:
        return ("en", "ru") if self is LangChoice.both else (self.value,)  # type: ignore[return-value]


def t(msgid: str, lang: LangChoice, **params: object) -> str:
    """A message in the chosen language(s), EN and RU joined by `` / `` for ``both``."""
    return " / ".join(render(msgid, lg, params) for lg in lang.langs())


def tn(singular: str, plural: str, n: int, lang: LangChoice) -> str:
    """A counted message with the right plural form in each language (Russian has three)."""
    return " / ".join(translate_plural(singular, plural, n, lg).format(n=n) for lg in lang.langs())


def fail(e: SkypactError) -> typer.Exit:
    """Print an input error in English and Russian; the caller raises the returned Exit (code 2)."""
    err.print(f"[bold red]error:[/] {escape(e.message('en'))}", markup=True)
    err.print(f"[bold red]ошибка:[/] {escape(e.message('ru'))}", markup=True)
    return typer.Exit(EXIT_BAD_INPUT)


@contextmanager
def progress(enabled: bool) -> Iterator[Progress]:
    """A transient progress display on stderr (inactive when ``enabled`` is false)."""
    p = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                 console=err, transient=True, disable=not enabled)
    with p:
        yield p
