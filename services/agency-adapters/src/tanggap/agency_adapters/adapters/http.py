"""The one way adapters talk HTTP to an agency, with the limits a hostile or
broken agency cannot get around: a connect timeout, a total deadline for the
whole exchange (a server dripping one byte a second never trips httpx's
per-read timeout), and a cap on the response body, checked on the decoded
bytes as they arrive. Every failure becomes a typed ``AgencyError``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx
from pydantic import TypeAdapter, ValidationError

from tanggap.agency_adapters.domain.errors import (
    AgencyError,
    AgencyProtocolError,
    AgencyRefused,
    AgencyUnavailable,
)

T = TypeVar("T")
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"
_SNIPPET = 200
# 408 and 429 say "later"; 409 is what idempotent APIs answer while the first
# request with the same key is still being processed.
_TRANSIENT_4XX = {408: "timeout", 409: "conflict", 425: "too_early", 429: "rate_limited"}


@dataclass(frozen=True, slots=True)
class HttpLimits:
    connect_timeout_s: float = 3.0
    total_timeout_s: float = 10.0
    max_response_bytes: int = 1_048_576


@dataclass(frozen=True, slots=True)
class AgencyResponse:
    status: int
    body: bytes
    headers: Mapping[str, str]

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise AgencyProtocolError(f"not JSON: {exc}", code="bad_json") from None

    def parse(self, adapter: TypeAdapter[T]) -> T:
        """The body validated against the agency's wire model; wrong types are a
        protocol error, never an exception that escapes the adapter."""
        try:
            return adapter.validate_json(self.body)
        except ValidationError as exc:
            kinds = {e["type"] for e in exc.errors(include_url=False, include_input=False)}
            code = "bad_json" if "json_invalid" in kinds else "bad_response"
            detail = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                for e in exc.errors(include_url=False, include_input=False)[:3]
            )
            raise AgencyProtocolError(detail or "invalid body", code=code) from None


class AgencyHttpClient:
    def __init__(
        self,
        *,
        agency: str,
        base_url: str,
        limits: HttpLimits,
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.agency = agency
        self.limits = limits
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers=dict(headers or {}),
            timeout=httpx.Timeout(limits.total_timeout_s, connect=limits.connect_timeout_s),
            follow_redirects=False,
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(
        self,
        method: str,
        url: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        form: list[tuple[str, str]] | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> AgencyResponse:
        try:
            async with asyncio.timeout(self.limits.total_timeout_s):
                response = await self._exchange(
                    method, url, json_body, content, form, params, headers
                )
        except TimeoutError:
            raise AgencyUnavailable(
                f"{method} {url}: no complete answer within {self.limits.total_timeout_s} s",
                code="timeout",
            ) from None
        except httpx.TimeoutException as exc:
            raise AgencyUnavailable(
                f"{method} {url}: {type(exc).__name__}", code="timeout"
            ) from None
        except httpx.ConnectError as exc:
            raise AgencyUnavailable(f"{method} {url}: {exc}", code="unreachable") from None
        except httpx.HTTPError as exc:
            raise AgencyUnavailable(
                f"{method} {url}: {type(exc).__name__}: {exc}", code="connection_error"
            ) from None
        _raise_for_status(method, url, response)
        return response

    async def _exchange(
        self,
        method: str,
        url: str,
        json_body: Any,
        content: bytes | None,
        form: list[tuple[str, str]] | None,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
    ) -> AgencyResponse:
        all_headers = dict(headers or {})
        if form is not None:
            # Encoded here: repeated keys (Open311's attribute[X][]) need a list of pairs.
            content = urlencode(form).encode()
            all_headers["Content-Type"] = FORM_CONTENT_TYPE
        request = self._client.build_request(
            method, url, json=json_body, content=content, params=params, headers=all_headers
        )
        response = await self._client.send(request, stream=True)
        try:
            body = await self._read_capped(response)
        finally:
            await response.aclose()
        return AgencyResponse(
            status=response.status_code, body=body, headers=dict(response.headers)
        )

    async def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self.limits.max_response_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise AgencyProtocolError(
                f"declared body of {declared} bytes is over the {cap} byte cap",
                code="response_too_large",
            )
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > cap:
                raise AgencyProtocolError(
                    f"body over the {cap} byte cap", code="response_too_large"
                )
        return bytes(body)


def _raise_for_status(method: str, url: str, response: AgencyResponse) -> None:
    status = response.status
    if 200 <= status < 300:
        return
    snippet = response.body[:_SNIPPET].decode("utf-8", "replace")
    detail = f"{method} {url}: HTTP {status}: {snippet}"
    error: AgencyError
    if status in _TRANSIENT_4XX:
        error = AgencyUnavailable(detail, code=_TRANSIENT_4XX[status])
    elif status >= 500:
        error = AgencyUnavailable(detail, code="server_error")
    elif 300 <= status < 400:
        error = AgencyProtocolError(detail, code="unexpected_redirect")
    else:
        error = AgencyRefused(detail, code="refused")
    raise error
