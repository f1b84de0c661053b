"""Open311 GeoReport v2 use cases: the same reports as the native API, asked
for in the spec's words (service = category, request = report)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tanggap.intake.adapters.api_clients_repo import ApiClient, ApiClientRepository
from tanggap.intake.adapters.database import database_errors
from tanggap.intake.adapters.reports_repo import Open311Query, ReportRepository
from tanggap.intake.domain.answers import open311_path
from tanggap.intake.domain.catalogue import Category
from tanggap.intake.domain.errors import (
    ApiKeyRejected,
    FieldProblem,
    Open311BadRequest,
    Open311NotFound,
)
from tanggap.intake.domain.gazetteer import Gazetteer
from tanggap.intake.domain.report import Paths, Point, ReportDraft, ReporterInput
from tanggap.intake.domain.views import ReportRecord, StatusUpdate
from tanggap.intake.service import Accepted, Clock, IdempotencyRequest, ReportService
from tanggap.schemas.events import Channel

MAX_WINDOW = timedelta(days=90)
OPEN311_PATHS = Paths(
    answer=open311_path,
    media="media_url",
    phone="phone",
    email="email",
    description="description",
)


@dataclass(frozen=True, slots=True)
class Open311Request:
    """A POST requests body, parsed: location is either a point, an address to
    place, an address id, or nothing (a 400)."""

    service_code: str
    lat: float | None
    long: float | None
    address_string: str | None
    address_id: str | None
    description: str
    attributes: dict[str, object]
    media_ids: tuple[str, ...]
    external_media_url: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime
    end: datetime


class Open311Service:
    def __init__(
        self,
        *,
        reports: ReportService,
        repository: ReportRepository,
        clients: ApiClientRepository,
        gazetteer: Gazetteer,
        jurisdiction_id: str,
        clock: Clock,
    ) -> None:
        self._reports = reports
        self._repository = repository
        self._clients = clients
        self._gazetteer = gazetteer
        self.jurisdiction_id = jurisdiction_id
        self._clock = clock

    def check_jurisdiction(self, jurisdiction_id: str | None) -> None:
        """One jurisdiction per endpoint: the id may be left out, but a wrong
        one is an unknown resource (404)."""
        if jurisdiction_id and jurisdiction_id != self.jurisdiction_id:
            raise Open311NotFound(f"jurisdiction_id {jurisdiction_id!r} tidak dikenal")

    def category(self, service_code: str) -> Category:
        category = self._reports.catalogue.get(service_code)
        if category is None:
            raise Open311NotFound(f"service_code {service_code!r} tidak dikenal")
        return category

    @property
    def categories(self) -> list[Category]:
        return list(self._reports.catalogue)

    async def client(self, api_key: str | None) -> ApiClient:
        if not api_key:
            raise ApiKeyRejected("api_key wajib untuk mengirim laporan")
        with database_errors():
            client = await self._clients.verify(api_key)
        if client is None:
            raise ApiKeyRejected("api_key tidak valid")
        return client

    async def submit(
        self, request: Open311Request, client: ApiClient, idempotency_key: str | None
    ) -> tuple[Accepted, Category]:
        category = self.category(request.service_code)
        point, address_text = self._locate(request)
        reporter = ReporterInput(
            name=" ".join(p for p in (request.first_name, request.last_name) if p) or None,
            phone=request.phone,
            email=request.email,
        )
        draft = ReportDraft(
            category=category.code,
            description=request.description,
            location=point,
            channel=Channel.OPEN311,
            address_text=address_text,
            media_ids=request.media_ids,
            media_urls=(request.external_media_url,) if request.external_media_url else (),
            answers=request.attributes,
            reporter=reporter,
            client_id=client.client_id,
        )
        scope = f"open311:{client.client_id}"
        accepted = await self._reports.submit(
            draft,
            idempotency_request=IdempotencyRequest(scope, idempotency_key)
            if idempotency_key
            else None,
            paths=OPEN311_PATHS,
        )
        return accepted, category

    def _locate(self, request: Open311Request) -> tuple[Point | None, str | None]:
        if request.lat is not None and request.long is not None:
            return Point(request.lat, request.long), request.address_string
        if request.address_string:
            placement = self._gazetteer.locate(request.address_string)
            if placement is None:
                # Accepted anyway: the command center places it by hand.
                return None, request.address_string
            return Point(placement.lat, placement.lon, placement.accuracy_m), request.address_string
        if request.address_id:
            # No city address master to resolve it against: placed by hand.
            return None, f"address_id {request.address_id}"
        raise Open311BadRequest(
            [
                FieldProblem(
                    "lat",
                    "location_required",
                    "kirim lat dan long, address_string, atau address_id",
                )
            ]
        )

    def window(self, start: datetime | None, end: datetime | None) -> Window:
        """The spec's default is the last 90 days; a span over 90 days is refused."""
        end = end or self._clock()
        try:
            start = start or end - MAX_WINDOW
        except OverflowError:  # an end_date in the first 90 days of year 1
            raise Open311BadRequest(
                [FieldProblem("end_date", "out_of_range", "end_date terlalu awal")]
            ) from None
        if start > end:
            raise Open311BadRequest(
                [FieldProblem("start_date", "invalid_range", "start_date setelah end_date")]
            )
        if end - start > MAX_WINDOW:
            raise Open311BadRequest(
                [FieldProblem("end_date", "window_too_long", "rentang tanggal paling lama 90 hari")]
            )
        return Window(start, end)

    async def requests(
        self,
        *,
        report_ids: Sequence[str] | None,
        service_codes: Sequence[str],
        window: Window,
        status: str | None,
    ) -> list[ReportRecord]:
        if report_ids is not None:
            if not report_ids:
                return []
            query = Open311Query(start=window.start, end=window.end, report_ids=report_ids)
        else:
            query = Open311Query(
                start=window.start, end=window.end, service_codes=service_codes, status=status
            )
        with database_errors():
            return await self._repository.open311_requests(query)

    async def request(self, report_id: str) -> ReportRecord:
        with database_errors():
            found = await self._repository.open311_requests(
                Open311Query(start=self._clock(), end=self._clock(), report_ids=[report_id])
            )
        if not found:
            raise Open311NotFound(f"service_request_id {report_id!r} tidak ditemukan")
        return found[0]

    async def token(self, token: str) -> str:
        report_id = self._reports.tokens.report_id(token)
        if report_id is None:
            raise Open311NotFound("token tidak dikenal")
        with database_errors():
            record = await self._repository.find(report_id)
        if record is None:
            raise Open311NotFound("token tidak dikenal")
        return report_id

    async def updates(self, window: Window) -> list[StatusUpdate]:
        with database_errors():
            return await self._repository.status_updates(window.start, window.end)
