"""Pure ASGI middleware (no BaseHTTPMiddleware: it costs a task and a copy per
request on the hot path): request metrics by route template, the body size
limit, and the direct lane to the report route."""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson
from fastapi import HTTPException
from fastapi.routing import APIRoute, APIRouter
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tanggap.intake import metrics
from tanggap.intake.domain import open311

PROBLEM_JSON = b"application/problem+json"


class RequestMetrics:
    """``tanggap_intake_http_request_seconds{method, route, status}``: the route
    template Starlette matched (``/v1/reports/{report_id}``), never the raw
    path, so an attacker cannot grow the label set."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            metrics.http_seconds(scope["method"], template, str(status)).observe(
                time.perf_counter() - started
            )


class BodyTooLarge(HTTPException):
    """An HTTPException, because FastAPI turns any other exception raised while
    it reads a body into a 400; the problem handlers answer it as a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"isi permintaan melebihi {limit} byte")


class BodySizeLimit:
    """Refuses a body over the limit with 413: at once when Content-Length says
    so, otherwise as soon as the streamed body passes it (nothing more is
    read). ``limit_for(path)`` gives uploads their larger limit."""

    def __init__(self, app: ASGIApp, *, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(send, scope["path"], limit)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _too_large(send, scope["path"], limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send: Send, path: str, limit: int) -> None:
    metrics.REQUESTS_REJECTED.labels("payload_too_large").inc()
    if path.startswith("/open311/"):
        fmt = open311.Format.JSON if path.endswith(".json") else open311.Format.XML
        body = open311.errors(fmt, [(413, f"isi permintaan melebihi {limit} byte")])
        content_type = fmt.content_type.encode()
    else:
        body = orjson.dumps(
            {
                "type": "urn:tanggap:problem:payload_too_large",
                "title": "Muatan terlalu besar",
                "status": 413,
                "code": "payload_too_large",
                "detail": f"isi permintaan melebihi {limit} byte",
                "instance": path,
            }
        )
        content_type = PROBLEM_JSON
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


Endpoint = Callable[[Request], Awaitable[Response]]
# As Starlette types them: a handler may answer directly or be awaited.
ExceptionHandler = Callable[[Request, Any], Response | Awaitable[Response]]


class DirectRoute:
    """Serves one route by calling its endpoint straight from here, past the
    rest of FastAPI's stack (exception, exit-stack and body-limit middleware,
    the router, the route's dependency machinery): about a third of
    intake's CPU per report (docs/adr/0017-intake-direct-report-route.md).

    The route stays declared on the app, so the OpenAPI document, and any
    other method on the path, are FastAPI's as before. The endpoint must take
    the Request and return a Response, checking everything itself (the report
    route does); an exception with a handler registered on the app for its
    class (or a base class other than Exception) is answered by that handler,
    as Starlette's ExceptionMiddleware would; anything else propagates to the
    app's server-error handling, as from any route."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        route: APIRoute,
        endpoint: Endpoint,
        exception_handlers: Callable[[], Mapping[Any, ExceptionHandler]],
    ) -> None:
        self.app = app
        self.route = route
        self.endpoint = endpoint
        self.exception_handlers = exception_handlers
        self._methods = route.methods or set()
        self._path = route.path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != self._path
            or scope["method"] not in self._methods
        ):
            await self.app(scope, receive, send)
            return
        scope["route"] = self.route  # what RequestMetrics labels by
        request = Request(scope, receive, send)
        try:
            response = await self.endpoint(request)
        except Exception as exc:
            handler = self._handler_for(exc)
            if handler is None:
                raise
            answer = handler(request, exc)
            response = await answer if inspect.isawaitable(answer) else answer
        await response(scope, receive, send)

    def _handler_for(self, exc: Exception) -> ExceptionHandler | None:
        handlers = self.exception_handlers()
        for cls in type(exc).__mro__:
            if cls is Exception:
                return None
            handler = handlers.get(cls)
            if handler is not None:
                return handler
        return None


def find_route(router: APIRouter, method: str, path: str) -> APIRoute:
    """The declared route a DirectRoute serves (its template labels the metrics)."""
    for route in router.routes:
        if isinstance(route, APIRoute) and route.path == path and method in (route.methods or ()):
            return route
    raise LookupError(f"no route {method} {path}")
