"""The direct lane to the report route: it serves only its own method and
path, answers exceptions with the app's handlers for their class, and leaves
everything else to the app."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Message, Receive, Scope, Send

from tanggap.intake.api.middleware import DirectRoute


class Refused(ValueError):
    """An error the app has a handler for (through ValueError)."""


class Broken(RuntimeError):
    """An error only the server-error handling may answer."""


async def endpoint(request: Request) -> Response:
    body = await request.body()
    if body == b"refuse":
        raise Refused("no")
    if body == b"break":
        raise Broken("bug")
    return PlainTextResponse("direct", status_code=202)


async def on_value_error(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(f"handled {type(exc).__name__}", status_code=422)


async def on_anything(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("server error", status_code=500)


def lane() -> tuple[DirectRoute, list[str]]:
    router = APIRouter()
    router.add_api_route("/v1/reports", endpoint, methods=["POST"])
    route = router.routes[0]
    assert isinstance(route, APIRoute)
    passed: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        passed.append(f"{scope['method']} {scope['path']}")
        await PlainTextResponse("app")(scope, receive, send)

    handlers: dict[Any, Any] = {ValueError: on_value_error, Exception: on_anything}
    return DirectRoute(
        app, route=route, endpoint=endpoint, exception_handlers=lambda: handlers
    ), passed


async def call(
    asgi: DirectRoute,
    method: str,
    path: str,
    body: bytes = b"",
    scope_seen: list[Scope] | None = None,
) -> tuple[int, bytes]:
    scope: Scope = {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [],
        "query_string": b"",
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await asgi(scope, receive, send)
    if scope_seen is not None:
        scope_seen.append(scope)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


async def test_its_own_route_is_served_directly_and_labelled_for_metrics() -> None:
    asgi, passed = lane()
    seen: list[Scope] = []
    assert await call(asgi, "POST", "/v1/reports", scope_seen=seen) == (202, b"direct")
    assert passed == []
    assert seen[0]["route"].path == "/v1/reports"  # what RequestMetrics labels by


@pytest.mark.parametrize(("method", "path"), [("GET", "/v1/reports"), ("POST", "/v1/media")])
async def test_every_other_request_goes_to_the_app(method: str, path: str) -> None:
    asgi, passed = lane()
    assert await call(asgi, method, path) == (200, b"app")
    assert passed == [f"{method} {path}"]


async def test_an_exception_is_answered_by_the_handler_for_its_class() -> None:
    asgi, _ = lane()
    assert await call(asgi, "POST", "/v1/reports", b"refuse") == (422, b"handled Refused")


async def test_an_exception_without_a_handler_of_its_own_propagates() -> None:
    """Only the app's server-error handling may answer it (and log it)."""
    asgi, _ = lane()
    with pytest.raises(Broken):
        await call(asgi, "POST", "/v1/reports", b"break")
