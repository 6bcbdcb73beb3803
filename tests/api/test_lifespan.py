"""A stopping server stops.  Background tasks are cancelled and awaited within a bounded time:
a task that lost a cancellation (Python 3.11's ``asyncio.wait_for`` loses one that arrives as
its wait ends, which once hung a test run in the server's shutdown) is cancelled again, and a
task that never stops is named in the log and left behind rather than holding the shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest

from skypact.api.app import stop_tasks


async def _loses_one_cancellation(log: list[str]) -> None:
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        log.append("lost")  # as a library that swallows it would
    while True:
        await asyncio.sleep(0.05)


async def _stops_only_when(released: asyncio.Event) -> None:
    while not released.is_set():
        with contextlib.suppress(asyncio.CancelledError):  # as a library that swallows it would
            await asyncio.sleep(0.05)


def test_a_task_that_lost_its_cancellation_is_cancelled_again() -> None:
    async def run() -> tuple[list[str], list[bool]]:
        log: list[str] = []
        tasks = [asyncio.create_task(_loses_one_cancellation(log)), asyncio.create_task(asyncio.sleep(3600))]
        await asyncio.sleep(0.01)
        await stop_tasks(tasks, grace_s=5.0)
        return log, [t.cancelled() for t in tasks]

    log, cancelled = asyncio.run(run())
    assert log == ["lost"] and cancelled == [True, True]


def test_a_task_that_never_stops_cannot_hold_the_shutdown(caplog: pytest.LogCaptureFixture) -> None:
    async def run() -> bool:
        released = asyncio.Event()
        task = asyncio.create_task(_stops_only_when(released), name="stubborn")
        await asyncio.sleep(0.01)
        await stop_tasks([task], grace_s=0.5)  # returns although the task goes on
        left = not task.done()
        released.set()  # let the test's own loop end
        await task
        return left

    with caplog.at_level(logging.ERROR, logger="skypact"):
        left = asyncio.run(run())
    assert left
    assert any("stubborn" in r.getMessage() and "did not stop" in r.getMessage() for r in caplog.records)
