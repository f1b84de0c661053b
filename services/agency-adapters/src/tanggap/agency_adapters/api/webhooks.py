"""``POST /webhooks/<agency>``: an agency reports a status change of a case it
received from us. The request must be signed (domain/signing.py); its body is
read with a size cap before anything else looks at it."""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from tanggap.agency_adapters.adapters.base import WebhookNotSupported
from tanggap.agency_adapters.api.problems import problem
from tanggap.agency_adapters.domain.errors import AgencyRefused
from tanggap.agency_adapters.domain.signing import SignatureError
from tanggap.agency_adapters.metrics import WEBHOOKS
from tanggap.agency_adapters.service.status import StatusService, UnknownCase

MAX_BODY_BYTES = 65_536
log = structlog.get_logger("tanggap.agency_adapters.webhooks")
StatusLookup = Callable[[str], StatusService | None]


class BodyTooLarge(Exception):
    """A webhook body passed the size limit while it was read (answered 413)."""


async def _capped_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise BodyTooLarge
    return bytes(body)


def webhook_router(status_for: StatusLookup) -> APIRouter:
    router = APIRouter(tags=["webhooks"])

    @router.post("/webhooks/{agency}", status_code=202, summary="An agency's status callback")
    async def receive(agency: str, request: Request) -> JSONResponse:
        service = status_for(agency)
        if service is None:
            return problem(404, "unknown_agency", "No adapter of that name takes webhooks")
        outcome = await _handle(service, request)
        WEBHOOKS.labels(agency, outcome[0]).inc()
        return outcome[1]

    return router


async def _handle(service: StatusService, request: Request) -> tuple[str, JSONResponse]:
    try:
        body = await _capped_body(request)
        reports = service.receiver.from_webhook(body, request.headers, now=int(time.time()))
        sent = [command for report in reports for command in await service.apply(report)]
    except BodyTooLarge:
        return "too_large", problem(413, "body_too_large", f"Body over {MAX_BODY_BYTES} bytes")
    except SignatureError as exc:
        status = 409 if exc.code == "signature_replayed" else 401
        return exc.code, problem(status, exc.code, "Signature refused", exc.detail)
    except WebhookNotSupported as exc:
        return exc.code, problem(404, exc.code, "This adapter takes no webhooks", exc.detail)
    except UnknownCase as exc:
        return exc.code, problem(404, exc.code, "Unknown case", exc.detail)
    except AgencyRefused as exc:
        return exc.code, problem(422, exc.code, "Callback refused", exc.detail)
    except Exception as exc:  # Kafka unreachable: the agency should retry later
        log.warning("webhook could not be processed", error=repr(exc))
        return "unavailable", problem(503, "unavailable", "Try again later")
    return "accepted", JSONResponse({"accepted": len(reports), "commands": len(sent)}, 202)
