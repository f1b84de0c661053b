"""Intake's use cases: submit a report, read it back, upload a photo.

The write order of a submission is the heart of the service
(docs/adr/0010-intake-idempotency-and-write-order.md):

1. validate against the catalogue (nothing written for a bad request);
2. with an Idempotency-Key, reserve the key with the request's fingerprint,
   the report id and the submission time (group-committed);
3. produce ``report.submitted`` and wait for acks=all;
4. record the report row and complete the key in one transaction
   (group-committed), then answer 202.

A failure at 3 releases the key (definite failure: forgotten; ambiguous: its
lease ends, so the retry re-produces the same report). A crash between 3 and
4 leaves an in-flight key whose lease runs out; the retry takes it over and
produces the same report again (same id, same CloudEvents id), and the
projection worker writes the row from the topic either way.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
import uuid_utils
from pydantic import ValidationError

from tanggap.intake import metrics
from tanggap.intake.adapters.batcher import GroupCommit
from tanggap.intake.adapters.database import database_errors
from tanggap.intake.adapters.idempotency_repo import IdempotencyRepository, NewReservation
from tanggap.intake.adapters.media_store import MediaStore, StoredMedia
from tanggap.intake.adapters.publisher import PublishFailed, ReportPublisher
from tanggap.intake.adapters.reports_repo import Completion, ReportRepository
from tanggap.intake.domain import idempotency
from tanggap.intake.domain.catalogue import Catalogue
from tanggap.intake.domain.errors import (
    FieldProblem,
    IdempotencyInProgress,
    IdempotencyKeyReused,
    InvalidReport,
    ReportNotFound,
)
from tanggap.intake.domain.idempotency import Outcome, Reservation
from tanggap.intake.domain.media import check_declared_type, clean_image
from tanggap.intake.domain.report import Paths, ReportDraft, build_submission
from tanggap.intake.domain.tracking import TrackingTokens
from tanggap.intake.domain.views import ReportRecord
from tanggap.schemas.events import MediaRef, ReportSubmitted

log = structlog.get_logger(__name__)

Clock = Callable[[], datetime]
NATIVE_PATHS = Paths()


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_report_id() -> str:
    return str(uuid_utils.uuid7())


@dataclass(frozen=True, slots=True)
class IdempotencyRequest:
    scope: str
    key: str


@dataclass(frozen=True, slots=True)
class Accepted:
    report_id: str
    submitted_at: datetime
    tracking_token: str
    category: str
    replayed: bool = False


class ReportService:
    def __init__(
        self,
        *,
        catalogue: Catalogue,
        media: MediaStore,
        publisher: ReportPublisher,
        reports: ReportRepository,
        keys: IdempotencyRepository,
        tokens: TrackingTokens,
        lease_s: float,
        max_image_pixels: int,
        clock: Clock = utc_now,
        new_id: Callable[[], str] = new_report_id,
    ) -> None:
        self.catalogue = catalogue
        self._media = media
        self._publisher = publisher
        self._reports = reports
        self._keys = keys
        self.tokens = tokens
        self._lease = timedelta(seconds=lease_s)
        self._max_pixels = max_image_pixels
        self._clock = clock
        self._new_id = new_id
        # A few flushes in flight at once, like a small connection pool.
        self._record = GroupCommit[Completion, None](
            functools.partial(reports.record, durable=False), max_concurrent=4
        )
        self._reserve = GroupCommit[NewReservation, bool](keys.reserve, max_concurrent=4)

    # -- submit ------------------------------------------------------------

    async def submit(
        self,
        draft: ReportDraft,
        *,
        idempotency_request: IdempotencyRequest | None = None,
        paths: Paths = NATIVE_PATHS,
        traceparent: str | None = None,
    ) -> Accepted:
        media = await self._media_refs(draft.media_ids)
        report = self._build(draft, media, paths)
        if idempotency_request is None:
            await self._publish(report, None, traceparent)
            return await self._accept(report, None)
        fingerprint = idempotency.fingerprint(draft)
        reservation = NewReservation(
            scope=idempotency_request.scope,
            key=idempotency_request.key,
            fingerprint=fingerprint,
            report_id=report.report_id,
            submitted_at=report.submitted_at,
            lease_until=self._clock() + self._lease,
        )
        with database_errors():
            reserved = await self._reserve.submit(reservation)
        if not reserved:
            return await self._repeat(report, idempotency_request, fingerprint, traceparent)
        await self._publish(report, idempotency_request, traceparent)
        return await self._accept(report, idempotency_request)

    async def _repeat(
        self,
        report: ReportSubmitted,
        request: IdempotencyRequest,
        fingerprint: str,
        traceparent: str | None,
    ) -> Accepted:
        with database_errors():
            existing = await self._keys.get(request.scope, request.key)
        if existing is None:
            # Purged between our insert attempt and this read: a very old key.
            raise IdempotencyInProgress("kunci idempotensi sedang diproses; ulangi", 1)
        outcome = idempotency.decide(existing, fingerprint, self._clock())
        metrics.IDEMPOTENT_REPLAYS.labels(outcome.value).inc()
        if outcome is Outcome.CONFLICT:
            raise IdempotencyKeyReused(
                "Idempotency-Key ini sudah dipakai untuk laporan dengan isi yang berbeda"
            )
        if outcome is Outcome.REPLAY:
            return self._accepted(existing.report_id, existing.submitted_at, report.category, True)
        if outcome is Outcome.TAKE_OVER:
            with database_errors():
                won = await self._keys.take_over(
                    request.scope, request.key, self._clock() + self._lease
                )
            if won:
                again = _same_report(report, existing)
                await self._publish(again, request, traceparent)
                accepted = await self._accept(again, request)
                return dataclasses.replace(accepted, replayed=True)
        raise IdempotencyInProgress(
            "permintaan pertama dengan Idempotency-Key ini masih diproses",
            retry_after_s=max(1, int((existing.lease_until - self._clock()).total_seconds())),
        )

    def _build(
        self, draft: ReportDraft, media: dict[str, MediaRef], paths: Paths
    ) -> ReportSubmitted:
        try:
            return build_submission(
                draft,
                catalogue=self.catalogue,
                media=media,
                report_id=self._new_id(),
                submitted_at=self._clock(),
                paths=paths,
            )
        except ValidationError as exc:
            # The API checks every limit first; this is the contract's last word.
            raise InvalidReport(
                [
                    FieldProblem(".".join(str(p) for p in error["loc"]), "invalid", error["msg"])
                    for error in exc.errors(include_url=False, include_input=False)
                ]
            ) from exc

    async def _publish(
        self, report: ReportSubmitted, request: IdempotencyRequest | None, traceparent: str | None
    ) -> None:
        try:
            await self._publisher.publish(report, traceparent=traceparent)
        except PublishFailed as exc:
            if request is not None:
                with database_errors():
                    await self._keys.release(request.scope, request.key, forget=not exc.maybe_sent)
            raise

    async def _accept(
        self, report: ReportSubmitted, request: IdempotencyRequest | None
    ) -> Accepted:
        completion = Completion(
            report=report,
            key_scope=request.scope if request else None,
            key=request.key if request else None,
        )
        try:
            await self._record.submit(completion)
        except Exception as exc:
            # Kafka has the report: it is accepted. The worker writes the row
            # from the topic; an in-flight key is taken over by a retry.
            metrics.PROJECTION_WRITE_FAILURES.inc()
            log.error("report_row_not_written", report_id=report.report_id, error=repr(exc))
        metrics.reports_accepted(report.category, report.channel.value).inc()
        return self._accepted(report.report_id, report.submitted_at, report.category, False)

    def _accepted(
        self, report_id: str, submitted_at: datetime, category: str, replayed: bool
    ) -> Accepted:
        return Accepted(
            report_id=report_id,
            submitted_at=submitted_at,
            tracking_token=self.tokens.issue(report_id),
            category=category,
            replayed=replayed,
        )

    async def _media_refs(self, media_ids: Sequence[str]) -> dict[str, MediaRef]:
        if not media_ids:
            return {}
        found = await asyncio.gather(*(self._media.stat(m) for m in dict.fromkeys(media_ids)))
        return {stored.media_id: _media_ref(stored) for stored in found if stored is not None}

    async def drain(self) -> None:
        await self._record.drain()

    # -- read --------------------------------------------------------------

    async def find(self, report_id: str, token: str) -> ReportRecord:
        if not self.tokens.opens(token, report_id):
            raise ReportNotFound("laporan tidak ditemukan")
        return await self._load(report_id)

    async def track(self, token: str) -> ReportRecord:
        report_id = self.tokens.report_id(token)
        if report_id is None:
            raise ReportNotFound("laporan tidak ditemukan")
        return await self._load(report_id)

    async def _load(self, report_id: str) -> ReportRecord:
        with database_errors():
            record = await self._reports.find(report_id)
        if record is None:
            raise ReportNotFound("laporan tidak ditemukan")
        return record

    # -- media -------------------------------------------------------------

    async def upload(self, data: bytes, declared_type: str | None) -> StoredMedia:
        check_declared_type(declared_type)
        # Decoding a large photo takes tens of milliseconds of CPU: off the loop.
        cleaned = await asyncio.to_thread(clean_image, data, max_pixels=self._max_pixels)
        return await self._media.put(cleaned)

    async def media(self, media_id: str) -> tuple[StoredMedia, bytes] | None:
        return await self._media.read(media_id)


def _same_report(report: ReportSubmitted, existing: Reservation) -> ReportSubmitted:
    """The retried request is the same request (same fingerprint): only the
    id and time chosen for this attempt differ from the reserved ones."""
    return report.model_copy(
        update={"report_id": existing.report_id, "submitted_at": existing.submitted_at}
    )


def _media_ref(stored: StoredMedia) -> MediaRef:
    return MediaRef(
        media_id=stored.media_id,
        content_type=stored.content_type,
        sha256=stored.sha256,
        width=stored.width,
        height=stored.height,
    )
