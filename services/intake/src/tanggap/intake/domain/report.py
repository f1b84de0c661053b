"""A citizen's report, from a validated request to the ``report.submitted``
event: the catalogue's rules (known category, answers, photo) applied once,
for the native API and Open311 alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tanggap.intake.domain.answers import PathOf, check_answers, native_path
from tanggap.intake.domain.catalogue import Catalogue
from tanggap.intake.domain.contact import normalise_email, normalise_phone
from tanggap.intake.domain.errors import FieldProblem, InvalidReport, UnknownCategory, UnknownMedia
from tanggap.schemas.common import Location, Privacy
from tanggap.schemas.events import Channel, MediaRef, Reporter, ReportSubmitted
from tanggap.schemas.keys import area_key

MAX_DESCRIPTION = 4000
MAX_MEDIA = 5

# Stricter privacy wins: the catalogue makes crime reports confidential
# whatever the client asked, and a client may always ask for more.
_PRIVACY_RANK = {Privacy.PUBLIC: 0, Privacy.ANONYMOUS: 1, Privacy.CONFIDENTIAL: 2}


@dataclass(frozen=True, slots=True)
class Point:
    lat: float
    lon: float
    accuracy_m: float | None = None


@dataclass(frozen=True, slots=True)
class ReporterInput:
    name: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class ReportDraft:
    """What a client asked for, after syntax checks and before the rules."""

    category: str
    description: str
    location: Point | None
    channel: Channel
    address_text: str | None = None
    media_ids: Sequence[str] = ()
    media_urls: Sequence[str] = ()
    answers: Mapping[str, object] = field(default_factory=dict)
    reporter: ReporterInput | None = None
    privacy: Privacy | None = None
    client_id: str | None = None


@dataclass(frozen=True, slots=True)
class Paths:
    """How the two front doors name the fields in their errors."""

    answer: PathOf = native_path
    media: str = "media_ids"
    phone: str = "reporter.phone"
    email: str = "reporter.email"
    description: str = "description"


def effective_privacy(requested: Privacy | None, category_default: str) -> Privacy:
    default = Privacy(category_default)
    if requested is None:
        return default
    return max(requested, default, key=_PRIVACY_RANK.__getitem__)


def build_submission(
    draft: ReportDraft,
    *,
    catalogue: Catalogue,
    media: Mapping[str, MediaRef],
    report_id: str,
    submitted_at: datetime,
    paths: Paths = Paths(),
) -> ReportSubmitted:
    """The event for a draft, or ``UnknownCategory`` / ``UnknownMedia`` /
    ``InvalidReport`` listing every problem at once."""
    category = catalogue.get(draft.category)
    if category is None:
        raise UnknownCategory(draft.category, catalogue.codes)
    missing = [media_id for media_id in draft.media_ids if media_id not in media]
    if missing:
        raise UnknownMedia(missing)
    answers, problems = check_answers(category, draft.answers, paths.answer)
    if len(draft.description) > MAX_DESCRIPTION:
        problems.append(
            FieldProblem(paths.description, "too_long", f"paling banyak {MAX_DESCRIPTION} karakter")
        )
    if len(draft.media_ids) > MAX_MEDIA:
        problems.append(FieldProblem(paths.media, "too_many", f"paling banyak {MAX_MEDIA} foto"))
    if category.photo_required and not draft.media_ids and not draft.media_urls:
        note = category.photo_note or "kategori ini memerlukan foto"
        problems.append(FieldProblem(paths.media, "photo_required", note))
    reporter = _reporter(draft.reporter, paths, problems)
    if problems:
        raise InvalidReport(problems)
    point = draft.location
    return ReportSubmitted(
        report_id=report_id,
        submitted_at=submitted_at,
        category=category.code,
        description=draft.description,
        location=None
        if point is None
        else Location(lat=point.lat, lon=point.lon, accuracy_m=point.accuracy_m),
        needs_manual_location=point is None,
        address_text=draft.address_text,
        area_key=area_key(
            category.code,
            None if point is None else point.lat,
            None if point is None else point.lon,
        ),
        media=[media[media_id] for media_id in dict.fromkeys(draft.media_ids)],
        media_urls=list(draft.media_urls),
        answers=answers,
        reporter=reporter,
        privacy=effective_privacy(draft.privacy, category.default_privacy),
        channel=draft.channel,
        client_id=draft.client_id,
    )


def _reporter(
    given: ReporterInput | None, paths: Paths, problems: list[FieldProblem]
) -> Reporter | None:
    if given is None:
        return None
    name = (given.name or "").strip() or None
    phone = email = None
    if given.phone and given.phone.strip():
        phone, problem = normalise_phone(given.phone, paths.phone)
        if problem:
            problems.append(problem)
    if given.email and given.email.strip():
        email, problem = normalise_email(given.email, paths.email)
        if problem:
            problems.append(problem)
    if name is None and phone is None and email is None:
        return None
    return Reporter(name=name, phone=phone, email=email)
