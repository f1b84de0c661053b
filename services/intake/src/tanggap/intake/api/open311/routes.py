"""Open311 GeoReport v2 routes. The format is the path's suffix (``.xml`` or
``.json``); both carry the same rows. Errors use the spec's list format
(api/problems.py) with 400, 403 and 404 as the spec assigns them."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import Response

from tanggap.intake.api.deps import RuntimeDep, limit_reads
from tanggap.intake.api.open311 import dto, rows
from tanggap.intake.api.open311.forms import first_values, form_pairs, parse_request
from tanggap.intake.domain import open311
from tanggap.intake.domain.errors import (
    FieldProblem,
    Open311BadRequest,
    Open311NotFound,
    UnsupportedMediaType,
)
from tanggap.intake.domain.idempotency import valid_key
from tanggap.intake.domain.wib import WIB

router = APIRouter(prefix="/open311/v2", tags=["open311"])
reads = APIRouter(dependencies=[Depends(limit_reads)])

FORMAT = Annotated[open311.Format, Path(description="xml (wajib menurut spesifikasi) atau json")]
JURISDICTION = Annotated[
    str | None, Query(max_length=200, description="cilegon.go.id (boleh dikosongkan)")
]
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_READ_ERRORS = dto.errors(400, 404, 429, 503)


def _answer(fmt: open311.Format, body: bytes, status: int = 200) -> Response:
    return Response(body, status, media_type=fmt.content_type)


@reads.get(
    "/discovery.{fmt}",
    summary="Service discovery",
    responses={
        200: dto.content(dto.Discovery, array=False, description="Discovery"),
        **_READ_ERRORS,
    },
)
async def discovery(runtime: RuntimeDep, fmt: FORMAT) -> Response:
    return _answer(fmt, open311.render_object(fmt, "discovery", rows.discovery(runtime.settings)))


@reads.get(
    "/services.{fmt}",
    summary="Daftar layanan (kategori)",
    responses={200: dto.content(dto.Service, array=True, description="Layanan"), **_READ_ERRORS},
)
async def services(
    runtime: RuntimeDep, fmt: FORMAT, jurisdiction_id: JURISDICTION = None
) -> Response:
    runtime.open311.check_jurisdiction(jurisdiction_id)
    items = [rows.service(category) for category in runtime.open311.categories]
    return _answer(fmt, open311.render_list(fmt, "services", "service", items))


@reads.get(
    "/services/{service_code}.{fmt}",
    summary="Definisi layanan (atribut)",
    responses={
        200: dto.content(dto.ServiceDefinition, array=False, description="Definisi"),
        **_READ_ERRORS,
    },
)
async def service_definition(
    runtime: RuntimeDep,
    service_code: Annotated[str, Path(max_length=64)],
    fmt: FORMAT,
    jurisdiction_id: JURISDICTION = None,
) -> Response:
    runtime.open311.check_jurisdiction(jurisdiction_id)
    category = runtime.open311.category(service_code)
    definition = rows.service_definition(category)
    return _answer(fmt, open311.render_object(fmt, "service_definition", definition))


@router.post(
    "/requests.{fmt}",
    summary="Kirim laporan (form-encoded, api_key wajib)",
    responses={
        200: dto.content(dto.Created, array=True, description="Laporan diterima"),
        **dto.errors(400, 403, 404, 409, 413, 415, 429, 503),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["api_key", "service_code"],
                        "properties": {
                            "api_key": {"type": "string"},
                            "jurisdiction_id": {"type": "string"},
                            "service_code": {"type": "string", "example": "jalan-rusak"},
                            "lat": {"type": "number", "example": -6.0176},
                            "long": {"type": "number", "example": 106.0538},
                            "address_string": {
                                "type": "string",
                                "example": "Pasar Kranggot, Kel. Sukmajaya, Kec. Jombang",
                            },
                            "address_id": {"type": "string"},
                            "email": {"type": "string"},
                            "device_id": {"type": "string"},
                            "account_id": {"type": "string"},
                            "first_name": {"type": "string"},
                            "last_name": {"type": "string"},
                            "phone": {"type": "string"},
                            "description": {"type": "string", "maxLength": 4000},
                            "media_url": {"type": "string"},
                        },
                        "additionalProperties": {
                            "type": "string",
                            "description": "attribute[KODE]=nilai; attribute[KODE][]=nilai "
                            "untuk multivaluelist",
                        },
                    }
                }
            },
        }
    },
)
async def create_request(
    request: Request,
    runtime: RuntimeDep,
    fmt: FORMAT,
    api_key: Annotated[str | None, Query(max_length=200, include_in_schema=False)] = None,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> Response:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/x-www-form-urlencoded":
        raise UnsupportedMediaType("kirim application/x-www-form-urlencoded; charset=utf-8")
    pairs = form_pairs(await request.body())
    fields = first_values(pairs)
    runtime.open311.check_jurisdiction(fields.get("jurisdiction_id"))
    # Who is asking comes before what is asked: a missing or bad key is a
    # 403 whatever else is wrong with the request.
    client = await runtime.open311.client(fields.get("api_key") or api_key)
    runtime.limiter.check(runtime.limiter.writes, f"open311:{client.client_id}")
    parsed = parse_request(pairs)
    if idempotency_key is not None and not valid_key(idempotency_key):
        raise Open311BadRequest(
            [FieldProblem("Idempotency-Key", "invalid_format", "1-200 karakter ASCII tampak")]
        )
    accepted, category = await runtime.open311.submit(parsed, client, idempotency_key)
    body = open311.render_list(
        fmt, "service_requests", "request", [rows.created(accepted.report_id, category)]
    )
    return _answer(fmt, body)


@reads.get(
    "/requests.{fmt}",
    summary="Cari laporan",
    responses={
        200: dto.content(dto.ServiceRequest, array=True, description="Laporan"),
        **_READ_ERRORS,
    },
)
async def list_requests(
    runtime: RuntimeDep,
    fmt: FORMAT,
    jurisdiction_id: JURISDICTION = None,
    service_request_id: Annotated[
        str | None, Query(max_length=4000, description="Daftar id, dipisah koma")
    ] = None,
    service_code: Annotated[str | None, Query(max_length=2000)] = None,
    start_date: Annotated[str | None, Query(max_length=40)] = None,
    end_date: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[
        str | None, Query(max_length=40, description="open, closed, atau keduanya")
    ] = None,
) -> Response:
    service = runtime.open311
    service.check_jurisdiction(jurisdiction_id)
    window = service.window(_date(start_date, "start_date"), _date(end_date, "end_date"))
    ids = _list(service_request_id)
    records = await service.requests(
        report_ids=None if ids is None else [i for i in ids if _UUID.fullmatch(i)],
        service_codes=_list(service_code) or [],
        window=window,
        status=_status(status),
    )
    catalogue = runtime.reports.catalogue
    base = runtime.settings.public_base_url
    items = [rows.request(r, catalogue.get(r.category), base) for r in records]
    return _answer(fmt, open311.render_list(fmt, "service_requests", "request", items))


@reads.get(
    "/requests/{service_request_id}.{fmt}",
    summary="Satu laporan",
    responses={
        200: dto.content(dto.ServiceRequest, array=True, description="Laporan"),
        **_READ_ERRORS,
    },
)
async def get_request(
    runtime: RuntimeDep,
    service_request_id: Annotated[str, Path(max_length=64)],
    fmt: FORMAT,
    jurisdiction_id: JURISDICTION = None,
) -> Response:
    runtime.open311.check_jurisdiction(jurisdiction_id)
    if not _UUID.fullmatch(service_request_id):
        raise Open311NotFound(f"service_request_id {service_request_id!r} tidak ditemukan")
    record = await runtime.open311.request(service_request_id)
    item = rows.request(
        record, runtime.reports.catalogue.get(record.category), runtime.settings.public_base_url
    )
    return _answer(fmt, open311.render_list(fmt, "service_requests", "request", [item]))


@reads.get(
    "/tokens/{token}.{fmt}",
    summary="Id laporan dari token",
    responses={200: dto.content(dto.TokenAnswer, array=True, description="Id"), **_READ_ERRORS},
)
async def token_lookup(
    runtime: RuntimeDep,
    token: Annotated[str, Path(max_length=64)],
    fmt: FORMAT,
    jurisdiction_id: JURISDICTION = None,
) -> Response:
    runtime.open311.check_jurisdiction(jurisdiction_id)
    report_id = await runtime.open311.token(token)
    item = {"service_request_id": report_id, "token": token}
    return _answer(fmt, open311.render_list(fmt, "service_requests", "request", [item]))


@reads.get(
    "/servicerequestupdates.{fmt}",
    summary="Perubahan status (ekstensi FixMyStreet)",
    responses={
        200: dto.content(dto.RequestUpdate, array=True, description="Perubahan"),
        **_READ_ERRORS,
    },
)
async def request_updates(
    runtime: RuntimeDep,
    fmt: FORMAT,
    start_date: Annotated[str | None, Query(max_length=40)] = None,
    end_date: Annotated[str | None, Query(max_length=40)] = None,
    jurisdiction_id: JURISDICTION = None,
    api_key: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    service = runtime.open311
    service.check_jurisdiction(jurisdiction_id)
    window = service.window(_date(start_date, "start_date"), _date(end_date, "end_date"))
    updates = await service.updates(window)
    items = [rows.update(update) for update in updates]
    return _answer(
        fmt, open311.render_list(fmt, "service_request_updates", "request_update", items)
    )


router.include_router(reads)


def _list(text: str | None) -> list[str] | None:
    """A comma-separated argument; empty is the same as absent (None)."""
    if text is None or not text.strip():
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def _status(text: str | None) -> str | None:
    values = set(_list(text) or ())
    unknown = values - {"open", "closed"}
    if unknown:
        raise Open311BadRequest(
            [FieldProblem("status", "invalid_choice", "status adalah open, closed, atau keduanya")]
        )
    return values.pop() if len(values) == 1 else None


def _date(text: str | None, name: str) -> datetime | None:
    """W3C date or date-time; without an offset it is read as WIB."""
    if text is None or not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Open311BadRequest(
            [FieldProblem(name, "not_a_datetime", "format W3C, mis. 2026-12-01T09:30:00+07:00")]
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=WIB)
