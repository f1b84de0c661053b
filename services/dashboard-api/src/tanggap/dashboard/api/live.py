"""Server-sent events: incident changes in the caller's scope, as they happen.

Resumable: each event's ``id`` is its change-log id; a client reconnecting with
``Last-Event-ID`` (browsers do this by themselves) gets what it missed — or,
when that is older than the log keeps (``change_log_retention_h``), an
``event: reset`` first: reload everything, then follow. Browsers' EventSource
cannot send headers, so the access token may also come as the
``access_token`` query parameter on this one endpoint.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import orjson
from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse

from tanggap.dashboard.api.deps import UseCasesDep
from tanggap.dashboard.api.dto_incidents import summary_of
from tanggap.dashboard.api.errors import PROBLEM_RESPONSES
from tanggap.dashboard.domain.errors import InvalidToken
from tanggap.dashboard.domain.roles import Principal
from tanggap.dashboard.service.clock import Clock
from tanggap.dashboard.service.live import LiveFeed, LogPruned

router = APIRouter(prefix="/v1/live", tags=["live"], responses=PROBLEM_RESPONSES)

RETRY_MS = 3000


async def _events(
    feed: LiveFeed, principal: Principal, last: int | None, clock: Clock
) -> AsyncIterator[bytes]:
    yield f"retry: {RETRY_MS}\n\n".encode()
    async for row in feed.stream(principal, last):
        if row is None:
            yield b": keep-alive\n\n"
            continue
        if isinstance(row, LogPruned):
            yield b"id: %d\nevent: reset\ndata: {}\n\n" % row.newest
            continue
        payload = {
            "kind": row.kind,
            "sequence": row.change_sequence,
            "incident": summary_of(row, clock()).model_dump(mode="json"),
        }
        yield b"id: %d\nevent: incident\ndata: %s\n\n" % (row.change_id, orjson.dumps(payload))


@router.get(
    "/incidents",
    summary="Incident changes in your scope (text/event-stream)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def live_incidents(
    cases: UseCasesDep,
    bearer: Annotated[str | None, Header(alias="Authorization", include_in_schema=False)] = None,
    access_token: Annotated[str | None, Query(max_length=2000)] = None,
    last_event_id: Annotated[int | None, Header(alias="Last-Event-ID", ge=0)] = None,
) -> StreamingResponse:
    token = access_token
    if bearer and bearer.lower().startswith("bearer "):
        token = bearer[7:]
    if not token:
        raise InvalidToken("log in first: Authorization header or access_token parameter")
    principal = cases.access_tokens.verify(token)
    return StreamingResponse(
        _events(cases.live, principal, last_event_id, cases.clock),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
