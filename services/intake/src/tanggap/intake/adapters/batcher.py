"""Group commit: many concurrent requests share one database round trip.

A request hands its item over and waits; a flusher takes everything that
queued up while the previous flush ran and writes it with one statement.
Under light load a batch is one item and adds no delay; under heavy load
batches grow by themselves — the same trick the Kafka producer plays with its
batches, applied to PostgreSQL. Up to ``max_concurrent`` flushes run at once,
so one slow commit does not hold every request back."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class GroupCommit(Generic[T, R]):
    def __init__(
        self,
        flush: Callable[[Sequence[T]], Awaitable[Sequence[R]]],
        *,
        max_batch: int = 500,
        max_concurrent: int = 1,
    ) -> None:
        self._flush = flush
        self._max_batch = max_batch
        self._max_concurrent = max_concurrent
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._flushers: set[asyncio.Task[None]] = set()

    async def submit(self, item: T) -> R:
        """The item's result once its batch is written; the flush's exception
        if the batch failed (every item of a failed batch fails with it)."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if len(self._flushers) < self._max_concurrent:
            flusher = asyncio.create_task(self._run())
            self._flushers.add(flusher)
            # Also for a flusher cancelled before its first step (its finally never runs).
            flusher.add_done_callback(self._flushers.discard)
        return await future

    async def _run(self) -> None:
        try:
            await self._flush_queued()
        finally:
            # Leave the set in the same step as the loop saw an empty queue: a
            # done callback would run later, and an item submitted in between
            # would find no room for a flusher and wait forever.
            current = asyncio.current_task()
            if current is not None:
                self._flushers.discard(current)

    async def _flush_queued(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
            try:
                results = await self._flush([item for item, _ in batch])
            except BaseException as exc:  # handed to every waiter, then re-raised if cancelled
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    async def drain(self) -> None:
        """Wait for everything queued so far (on shutdown)."""
        while self._flushers:
            await asyncio.wait(set(self._flushers))
