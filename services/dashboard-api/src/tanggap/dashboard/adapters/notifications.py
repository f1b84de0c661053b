"""LISTEN for what the projector announces: incident changes (wakes the live
streams) and answered commands (wakes the actions waiting for routing).

One connection per process listens; if it drops, it reconnects. Nothing is
lost meanwhile, because every waiter also re-reads the tables it waits on: a
notification is a wake-up call, never the data itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TypeVar

import asyncpg
import structlog

from tanggap.dashboard.adapters.db import raw_url
from tanggap.dashboard.adapters.projection.projector import changes_channel, commands_channel

log = structlog.get_logger("tanggap.dashboard.notifications")
T = TypeVar("T")

POLL_INTERVAL_S = 0.5
"""How often a waiter re-reads without a notification (a dropped connection)."""


class NotificationHub:
    def __init__(self, database_url: str, schema: str) -> None:
        self._url = raw_url(database_url)
        self._changes = changes_channel(schema)
        self._commands = commands_channel(schema)
        self._command_waiters: dict[str, asyncio.Event] = {}
        self._change_listeners: set[asyncio.Event] = set()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen_forever(), name="notification-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _listen_forever(self) -> None:
        while True:
            try:
                connection = await asyncpg.connect(self._url)
            except (OSError, asyncpg.PostgresError) as exc:
                log.warning("listen connection failed, retrying", error=repr(exc))
                await asyncio.sleep(1.0)
                continue
            try:
                await self._listen(connection)
            finally:
                with contextlib.suppress(Exception):
                    await connection.close()

    async def _listen(self, connection: asyncpg.Connection) -> None:
        """Until the connection drops (then the caller reconnects)."""
        closed = asyncio.Event()
        connection.add_termination_listener(lambda _: closed.set())
        await connection.add_listener(self._changes, self._on_notification)
        await connection.add_listener(self._commands, self._on_notification)
        await closed.wait()
        log.warning("listen connection lost, reconnecting")

    def _on_notification(self, _connection: Any, _pid: int, channel: str, payload: object) -> None:
        if channel == self._commands:
            waiter = self._command_waiters.get(str(payload))
            if waiter is not None:
                waiter.set()
        else:
            for listener in self._change_listeners:
                listener.set()

    @contextlib.asynccontextmanager
    async def changes(self) -> AsyncIterator[asyncio.Event]:
        """An event set whenever the projector recorded incident changes."""
        event = asyncio.Event()
        self._change_listeners.add(event)
        try:
            yield event
        finally:
            self._change_listeners.discard(event)

    @contextlib.contextmanager
    def expect_command(self, command_id: str) -> Iterator[CommandWaiter]:
        """Register interest in a command's answer; do it before sending the
        command, so that its notification cannot come before anyone listens."""
        waiter = CommandWaiter()
        self._command_waiters[command_id] = waiter.event
        try:
            yield waiter
        finally:
            self._command_waiters.pop(command_id, None)


class CommandWaiter:
    def __init__(self) -> None:
        self.event = asyncio.Event()

    async def until(self, probe: Callable[[], Awaitable[T | None]], timeout_s: float) -> T | None:
        """Probe until it finds routing's answer, or time runs out (None)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            self.event.clear()
            found = await probe()
            remaining = deadline - loop.time()
            if found is not None or remaining <= 0:
                return found
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.event.wait(), min(remaining, POLL_INTERVAL_S))
