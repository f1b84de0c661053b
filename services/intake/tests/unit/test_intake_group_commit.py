"""Group commit: concurrent submissions share a flush; a failure reaches every waiter."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from tanggap.intake.adapters.batcher import GroupCommit


async def test_concurrent_items_are_flushed_together_and_get_their_results() -> None:
    batches: list[list[int]] = []

    async def flush(items: Sequence[int]) -> list[int]:
        batches.append(list(items))
        await asyncio.sleep(0.01)
        return [item * 10 for item in items]

    group = GroupCommit[int, int](flush)
    results = await asyncio.gather(*(group.submit(i) for i in range(5)))
    assert results == [0, 10, 20, 30, 40]
    assert batches == [[0, 1, 2, 3, 4]]


async def test_items_arriving_during_a_flush_form_the_next_batch() -> None:
    batches: list[list[int]] = []
    first_flush_started = asyncio.Event()

    async def flush(items: Sequence[int]) -> list[None]:
        batches.append(list(items))
        first_flush_started.set()
        await asyncio.sleep(0.01)
        return [None] * len(items)

    group = GroupCommit[int, None](flush)
    first = asyncio.create_task(group.submit(0))
    await first_flush_started.wait()
    await asyncio.gather(first, *(group.submit(i) for i in range(1, 4)))
    assert batches == [[0], [1, 2, 3]]


async def test_a_failed_flush_fails_its_items_and_the_next_batch_goes_on() -> None:
    calls = 0

    async def flush(items: Sequence[str]) -> list[None]:
        nonlocal calls
        calls += 1
        if "bad" in items:
            raise ConnectionError("database gone")
        return [None] * len(items)

    group = GroupCommit[str, None](flush, max_batch=1)
    outcomes = await asyncio.gather(
        group.submit("bad"), group.submit("good"), return_exceptions=True
    )
    assert isinstance(outcomes[0], ConnectionError)
    assert outcomes[1] is None
    assert calls == 2


async def test_max_batch_splits_the_queue() -> None:
    sizes: list[int] = []

    async def flush(items: Sequence[int]) -> list[None]:
        sizes.append(len(items))
        await asyncio.sleep(0)
        return [None] * len(items)

    group = GroupCommit[int, None](flush, max_batch=2)
    await asyncio.gather(*(group.submit(i) for i in range(7)))
    assert sizes == [2, 2, 2, 1]


async def test_up_to_max_concurrent_flushes_run_at_once() -> None:
    running = 0
    most = 0
    release = asyncio.Event()

    async def flush(items: Sequence[int]) -> list[None]:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await release.wait()
        running -= 1
        return [None] * len(items)

    group = GroupCommit[int, None](flush, max_concurrent=2)
    first = asyncio.create_task(group.submit(0))
    await asyncio.sleep(0)
    second = asyncio.create_task(group.submit(1))
    await asyncio.sleep(0)
    third = asyncio.create_task(group.submit(2))
    await asyncio.sleep(0.01)
    assert most == 2  # the third waits for a free flusher
    release.set()
    await asyncio.gather(first, second, third)
    await group.drain()
    assert running == 0


async def test_an_item_submitted_as_the_last_flusher_finishes_is_still_written() -> None:
    """The waiter of a batch resumes before its flusher task's done callbacks
    run: an item it submits at once must start a flusher, not wait forever
    behind one that has already left its loop."""
    written: list[int] = []

    async def flush(items: Sequence[int]) -> list[None]:
        written.extend(items)
        return [None] * len(items)  # no suspension: the flusher ends in one step

    group = GroupCommit[int, None](flush, max_concurrent=1)
    async with asyncio.timeout(2):  # not wait_for: its extra task would hide the race
        await group.submit(1)
        await group.submit(2)
    assert written == [1, 2]
