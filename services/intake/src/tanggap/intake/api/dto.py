"""HTTP shapes of the native API (``/v1``): what clients send and receive.

These are neither the events (schemas) nor the rows (adapters). Every limit a
later stage would enforce is enforced here first, so bad input gets a 422 that
names the field, and text that PostgreSQL or XML cannot hold (NUL and other
control characters) never gets in."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from tanggap.schemas.common import Privacy

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_LINE_BREAK = re.compile(r"[\r\n]")


def _no_control_characters(text: str) -> str:
    if _CONTROL.search(text):
        raise ValueError("mengandung karakter kendali yang tidak diizinkan")
    return text


def _one_line(text: str) -> str:
    if _LINE_BREAK.search(_no_control_characters(text)):
        raise ValueError("harus satu baris")
    return text


# Length limits come before the character checks, so that an empty or
# overlong value is reported as such (string_too_short/_long).
_TEXT = AfterValidator(_no_control_characters)
_LINE = AfterValidator(_one_line)
MediaIdText = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
AnswerCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
AnswerText = Annotated[str, StringConstraints(max_length=2000), _TEXT]
AnswerList = Annotated[
    list[Annotated[str, StringConstraints(max_length=200), _LINE]], Field(max_length=20)
]
AnswerValue = AnswerText | AnswerList | float


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)


# ---------------------------------------------------------------------------
# POST /v1/reports
# ---------------------------------------------------------------------------


class LocationIn(Strict):
    lat: float = Field(ge=-90, le=90, description="Lintang WGS84", examples=[-6.0337])
    lon: float = Field(ge=-180, le=180, description="Bujur WGS84", examples=[106.0698])
    accuracy_m: float | None = Field(
        None, ge=0, le=100_000, description="Akurasi GPS perangkat, meter", examples=[12.0]
    )


class ReporterIn(Strict):
    name: Annotated[str, StringConstraints(max_length=200), _LINE] | None = Field(
        None, description="Nama pelapor", examples=["Siti Rahmawati"]
    )
    phone: Annotated[str, StringConstraints(max_length=32), _LINE] | None = Field(
        None,
        description="Nomor telepon; dinormalkan ke E.164 (+62 untuk nomor dalam negeri)",
        examples=["0812-3456-7890"],
    )
    email: Annotated[str, StringConstraints(max_length=254), _LINE] | None = Field(
        None, description="Alamat e-mail", examples=["siti@example.id"]
    )


class ReportCreate(Strict):
    """Laporan warga."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "category": "air-bersih",
                    "description": "Pipa air bocor di pinggir jalan, air terbuang sejak pagi.",
                    "location": {"lat": -6.0337, "lon": 106.0698, "accuracy_m": 12},
                    "address_text": "Jl. Akses Pasar Kranggot, dekat terminal",
                    "media_ids": [],
                    "answers": {"jenis": "bocor"},
                    "reporter": {"name": "Siti Rahmawati", "phone": "0812-3456-7890"},
                    "privacy": "anonymous",
                }
            ]
        }
    )

    category: str = Field(
        min_length=1,
        max_length=64,
        description="Kode kategori dari GET /v1/categories",
        examples=["air-bersih"],
    )
    description: Annotated[str, StringConstraints(min_length=1, max_length=4000), _TEXT] = Field(
        description="Uraian masalah", examples=["Sampah menumpuk di pinggir jalan dekat pasar."]
    )
    location: LocationIn
    address_text: Annotated[str, StringConstraints(max_length=500), _LINE] | None = Field(
        None, description="Alamat atau patokan", examples=["Jl. Akses Pasar Kranggot"]
    )
    media_ids: list[MediaIdText] = Field(
        default_factory=list, max_length=5, description="Id foto dari POST /v1/media"
    )
    answers: dict[AnswerCode, AnswerValue] = Field(
        default_factory=dict,
        max_length=20,
        description="Jawaban pertanyaan kategori (kode pertanyaan -> nilai)",
    )
    reporter: ReporterIn | None = None
    privacy: Privacy | None = Field(
        None,
        description="public; anonymous (identitas disembunyikan dari unit); confidential "
        "(isi tidak dipublikasikan). Bawaan: aturan kategori.",
    )


Status = Literal[
    "received", "routed", "rejected", "acknowledged", "in_progress", "resolved", "closed"
]


class ReportAccepted(BaseModel):
    """Laporan diterima dan tercatat di Kafka."""

    id: str = Field(description="Id laporan (UUIDv7)")
    status: Literal["received"] = "received"
    tracking_token: str = Field(description="Kunci pelacakan: simpan, jangan dibagikan")
    status_url: str
    submitted_at: str = Field(description="Waktu WIB (+07:00)")
    call_numbers: list[str] = Field(
        description="Nomor darurat yang harus ditampilkan (mis. 112) untuk kategori darurat"
    )


# ---------------------------------------------------------------------------
# GET /v1/reports/{id}, GET /v1/track/{token}: the public contract
# ---------------------------------------------------------------------------


class PointOut(BaseModel):
    lat: float
    lon: float


class KodeName(BaseModel):
    kode: str
    name: str


class AreaOut(BaseModel):
    kelurahan: KodeName
    kecamatan: KodeName


class UnitOut(BaseModel):
    id: str
    type: str
    name: str


class RejectionOut(BaseModel):
    reason: str
    detail: str


class TimelineOut(BaseModel):
    at: str
    status: Status
    note: str | None


class ReportRead(BaseModel):
    """Laporan sebagaimana boleh dilihat warga yang memegang kunci pelacakan."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
                    "status": "routed",
                    "category": "sampah",
                    "submitted_at": "2026-12-01T09:30:00+07:00",
                    "location": {"lat": -6.0337, "lon": 106.0698},
                    "area": {
                        "kelurahan": {"kode": "36.72.01.1001", "name": "Cibeber"},
                        "kecamatan": {"kode": "36.72.01", "name": "Cibeber"},
                    },
                    "assigned_unit": {
                        "id": "kelurahan:36.72.01.1001",
                        "type": "kelurahan",
                        "name": "Kelurahan Cibeber",
                    },
                    "handler": {"id": "dlh", "type": "opd", "name": "Dinas Lingkungan Hidup"},
                    "incident_id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60",
                    "rejection": None,
                    "timeline": [
                        {"at": "2026-12-01T09:30:00+07:00", "status": "received", "note": None},
                        {
                            "at": "2026-12-01T09:30:01+07:00",
                            "status": "routed",
                            "note": "Diteruskan ke Kelurahan Cibeber; ditangani oleh Dinas"
                            " Lingkungan Hidup",
                        },
                    ],
                }
            ]
        }
    )

    id: str
    status: Status
    category: str
    submitted_at: str
    location: PointOut | None
    area: AreaOut | None
    assigned_unit: UnitOut | None
    handler: UnitOut | None
    incident_id: str | None
    rejection: RejectionOut | None
    timeline: list[TimelineOut]


# ---------------------------------------------------------------------------
# GET /v1/categories
# ---------------------------------------------------------------------------


class ChoiceOut(BaseModel):
    key: str
    name: str


class QuestionOut(BaseModel):
    """Pertanyaan tambahan, bertipe seperti atribut Open311."""

    code: str
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool
    description: str
    order: int
    values: list[ChoiceOut]


class GroupOut(BaseModel):
    code: str
    name_id: str
    name_en: str


class CategoryOut(BaseModel):
    code: str
    group: GroupOut
    name_id: str
    name_en: str
    description_id: str
    description_en: str
    emergency: bool = Field(description="Kategori darurat: tampilkan nomor darurat")
    call_numbers: list[str] = Field(description="Nomor yang harus ditampilkan, mis. 112 dan 110")
    photo_required: bool
    photo_note: str | None
    default_privacy: Privacy
    questions: list[QuestionOut]


class CategoryList(BaseModel):
    categories: list[CategoryOut]


# ---------------------------------------------------------------------------
# POST /v1/media
# ---------------------------------------------------------------------------


class MediaOut(BaseModel):
    """Foto yang sudah dibersihkan dari metadata (kecuali orientasi dan GPS)."""

    id: str = Field(description="SHA-256 isi berkas yang disimpan; dipakai di media_ids")
    content_type: str
    width: int
    height: int
    size: int
    url: str


# ---------------------------------------------------------------------------
# Errors (RFC 9457)
# ---------------------------------------------------------------------------


class FieldError(BaseModel):
    path: str = Field(examples=["location.lat"])
    code: str = Field(examples=["out_of_range"])
    message: str


class Problem(BaseModel):
    """Dokumen masalah RFC 9457 dengan ``code`` yang stabil."""

    type: str = Field(examples=["urn:tanggap:problem:unknown_category"])
    title: str
    status: int
    code: str = Field(examples=["unknown_category"])
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None
    valid_codes: list[str] | None = Field(
        None, description="Untuk unknown_category: kode kategori yang sah"
    )
