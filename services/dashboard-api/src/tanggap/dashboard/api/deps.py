"""Dependencies: the use cases wired in main.py, the caller, and the incident
filters — validated here, so that routes stay a few lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer
from pydantic import AwareDatetime, BeforeValidator

from tanggap.dashboard.adapters.tokens import AccessTokens
from tanggap.dashboard.adapters.units import UnitEntry
from tanggap.dashboard.domain.errors import InvalidToken
from tanggap.dashboard.domain.listing import BBox, IncidentFilters
from tanggap.dashboard.domain.roles import Principal
from tanggap.dashboard.service.actions import ActionService
from tanggap.dashboard.service.auth import AuthService
from tanggap.dashboard.service.clock import Clock
from tanggap.dashboard.service.feeds import AgencyFeeds
from tanggap.dashboard.service.incidents import IncidentQueries
from tanggap.dashboard.service.live import LiveFeed
from tanggap.dashboard.service.stats import StatsService
from tanggap.schemas.common import (
    CategoryCode,
    IncidentStatus,
    KecamatanKode,
    KelurahanKode,
    Priority,
    UnitId,
)


@dataclass(frozen=True, slots=True)
class UseCases:
    auth: AuthService
    incidents: IncidentQueries
    actions: ActionService
    stats: StatsService
    live: LiveFeed
    feeds: AgencyFeeds
    access_tokens: AccessTokens
    clock: Clock
    media_base_url: str
    units: tuple[UnitEntry, ...] = ()


def use_cases(request: Request) -> UseCases:
    found: UseCases = request.app.state.use_cases
    return found


UseCasesDep = Annotated[UseCases, Depends(use_cases)]

oauth2 = OAuth2PasswordBearer(tokenUrl="/v1/auth/token", auto_error=False)


def current_principal(
    token: Annotated[str | None, Depends(oauth2)], cases: UseCasesDep
) -> Principal:
    if token is None:
        raise InvalidToken("log in first: send 'Authorization: Bearer <access token>'")
    return cases.access_tokens.verify(token)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


ClientIp = Annotated[str | None, Depends(client_ip)]

_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _rfc3339(value: object) -> object:
    # pydantic would read "1764470045" as seconds since 1970: an instant in a query
    # must say its date, time and offset.
    if not isinstance(value, str) or not _RFC3339.fullmatch(value):
        raise ValueError("an RFC 3339 date-time with offset, e.g. 2026-12-01T00:00:00+07:00")
    return value


def _day(value: object) -> object:
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError("a date as YYYY-MM-DD")
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(_rfc3339)]
Day = Annotated[date, BeforeValidator(_day)]

BBOX_PATTERN = r"^-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?$"


def incident_filters(
    status: Annotated[list[IncidentStatus] | None, Query(max_length=6)] = None,
    category: Annotated[list[CategoryCode] | None, Query(max_length=40)] = None,
    priority: Annotated[list[Priority] | None, Query(max_length=4)] = None,
    unit: Annotated[UnitId | None, Query(description="Owner or handler")] = None,
    kelurahan: KelurahanKode | None = None,
    kecamatan: KecamatanKode | None = None,
    overdue: bool | None = None,
    bbox: Annotated[
        str | None,
        Query(pattern=BBOX_PATTERN, description="min_lon,min_lat,max_lon,max_lat (WGS84)"),
    ] = None,
    opened_from: Instant | None = None,
    opened_to: Instant | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=200, description="Text search")] = None,
) -> IncidentFilters:
    return IncidentFilters(
        statuses=tuple(status or ()),
        categories=tuple(category or ()),
        priorities=tuple(priority or ()),
        unit_id=unit,
        kelurahan_kode=kelurahan,
        kecamatan_kode=kecamatan,
        overdue=overdue,
        bbox=BBox.parse(bbox) if bbox else None,
        opened_from=opened_from,
        opened_to=opened_to,
        text=q,
    )


Filters = Annotated[IncidentFilters, Depends(incident_filters)]


def period_params(
    start: Annotated[Instant | None, Query(alias="from")] = None,
    end: Annotated[Instant | None, Query(alias="to")] = None,
) -> tuple[datetime | None, datetime | None]:
    return start, end


PeriodParams = Annotated[tuple[datetime | None, datetime | None], Depends(period_params)]
