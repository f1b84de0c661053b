"""From a draft to the report.submitted event: the catalogue's rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tanggap.intake.domain.catalogue import Catalogue
from tanggap.intake.domain.errors import InvalidReport, UnknownCategory, UnknownMedia
from tanggap.intake.domain.report import (
    Point,
    ReportDraft,
    ReporterInput,
    build_submission,
    effective_privacy,
)
from tanggap.schemas.common import Privacy
from tanggap.schemas.events import Channel, MediaRef, ReportSubmitted

NOW = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
REPORT_ID = "01938a2e-7c1a-7000-8000-000000000001"
PHOTO = MediaRef(media_id="a" * 64, content_type="image/jpeg", sha256="a" * 64, width=4, height=3)


def _draft(**changes: object) -> ReportDraft:
    fields: dict[str, object] = {
        "category": "jalan-rusak",
        "description": "Lubang besar di jalan",
        "location": Point(-6.0176, 106.0538, 8.0),
        "channel": Channel.NATIVE,
        "media_ids": (PHOTO.media_id,),
        "answers": {"status_jalan": "kota", "jenis_kerusakan": "lubang"},
    }
    fields.update(changes)
    return ReportDraft(**fields)  # type: ignore[arg-type]


def _build(catalogue: Catalogue, draft: ReportDraft) -> ReportSubmitted:
    return build_submission(
        draft,
        catalogue=catalogue,
        media={PHOTO.media_id: PHOTO},
        report_id=REPORT_ID,
        submitted_at=NOW,
    )


def test_a_valid_draft_becomes_the_event(catalogue: Catalogue) -> None:
    draft = _draft(reporter=ReporterInput(name=" Siti ", phone="0812-3456-7890", email=None))
    event = _build(catalogue, draft)
    assert event.report_id == REPORT_ID
    assert event.area_key == "jalan-rusak"  # the schemas package's area key
    assert event.media == [PHOTO]
    assert event.reporter is not None
    assert (event.reporter.name, event.reporter.phone) == ("Siti", "+6281234567890")
    assert event.privacy is Privacy.PUBLIC
    assert event.location is not None
    assert event.location.accuracy_m == 8.0
    assert not event.needs_manual_location


def test_unknown_category_lists_the_valid_codes(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownCategory) as raised:
        _build(catalogue, _draft(category="jalan"))
    assert raised.value.valid_codes == catalogue.codes
    assert "jalan-rusak" in raised.value.valid_codes


def test_unknown_media_is_refused(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownMedia) as raised:
        _build(catalogue, _draft(media_ids=("b" * 64,)))
    assert raised.value.media_ids == ["b" * 64]


def test_photo_rule_and_answers_are_checked_together(catalogue: Catalogue) -> None:
    with pytest.raises(InvalidReport) as raised:
        _build(catalogue, _draft(media_ids=(), answers={"status_jalan": "jalan_desa"}))
    found = {(p.path, p.code) for p in raised.value.problems}
    assert found == {
        ("media_ids", "photo_required"),
        ("answers.status_jalan", "invalid_choice"),
        ("answers.jenis_kerusakan", "required"),
    }


def test_an_external_photo_url_satisfies_the_photo_rule(catalogue: Catalogue) -> None:
    url = "https://fixmystreet.example/photo/1.jpeg"
    draft = _draft(media_ids=(), media_urls=(url,), channel=Channel.OPEN311)
    event = _build(catalogue, draft)
    assert event.media == []
    assert event.media_urls == [url]


def test_emergencies_never_require_a_photo(catalogue: Catalogue) -> None:
    draft = _draft(
        category="kebakaran", media_ids=(), answers={"objek": "rumah", "ada_korban": "tidak"}
    )
    assert _build(catalogue, draft).category == "kebakaran"


def test_the_stricter_privacy_wins() -> None:
    assert effective_privacy(None, "confidential") is Privacy.CONFIDENTIAL
    assert effective_privacy(Privacy.PUBLIC, "confidential") is Privacy.CONFIDENTIAL
    assert effective_privacy(Privacy.CONFIDENTIAL, "public") is Privacy.CONFIDENTIAL
    assert effective_privacy(Privacy.ANONYMOUS, "public") is Privacy.ANONYMOUS


def test_crime_reports_are_confidential_whatever_was_asked(catalogue: Catalogue) -> None:
    draft = _draft(
        category="kriminalitas",
        media_ids=(),
        answers={"sedang_terjadi": "tidak"},
        privacy=Privacy.PUBLIC,
    )
    assert _build(catalogue, draft).privacy is Privacy.CONFIDENTIAL


def test_an_unlocated_open311_request_is_flagged(catalogue: Catalogue) -> None:
    draft = _draft(location=None, channel=Channel.OPEN311, address_text="Gang Mawar")
    event = _build(catalogue, draft)
    assert event.needs_manual_location is True
    assert event.area_key == "unlocated"


def test_bad_contact_details_are_field_problems(catalogue: Catalogue) -> None:
    draft = _draft(reporter=ReporterInput(phone="123", email="bukan-email"))
    with pytest.raises(InvalidReport) as raised:
        _build(catalogue, draft)
    assert {(p.path, p.code) for p in raised.value.problems} == {
        ("reporter.phone", "invalid_phone"),
        ("reporter.email", "invalid_email"),
    }


def test_an_empty_reporter_is_no_reporter(catalogue: Catalogue) -> None:
    event = _build(catalogue, _draft(reporter=ReporterInput(name="  ")))
    assert event.reporter is None


def test_emergency_categories_show_112(catalogue: Catalogue) -> None:
    emergencies = [c for c in catalogue if c.emergency]
    assert emergencies, "the catalogue has emergency categories"
    assert all("112" in c.call_numbers and c.show_emergency_numbers for c in emergencies)
    police = catalogue.get("kriminalitas")
    assert police is not None
    assert police.call_numbers == ("110", "112")
    sampah = catalogue.get("sampah")
    assert sampah is not None
    assert not sampah.show_emergency_numbers
