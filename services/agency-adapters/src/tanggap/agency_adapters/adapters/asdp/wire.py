from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter


class ReportAnswer(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    nomor_laporan: Annotated[str, StringConstraints(min_length=1, max_length=128)]


class Queue(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    golongan: Annotated[str, StringConstraints(pattern=r"^(I|II|III|IV|V|VI|VII|VIII|IX)$")]
    jumlah_kendaraan: int = Field(ge=0, le=100_000)
    estimasi_tunggu_menit: int | None = Field(default=None, ge=0, le=10_000)


class PortStatus(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    pelabuhan: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    waktu: AwareDatetime
    kapal_beroperasi: Annotated[int, Field(ge=0, le=1000, strict=True)]
    keberangkatan_per_jam: Annotated[int, Field(ge=0, le=1000, strict=True)]
    antrean: list[Queue]


REPORT_ANSWER = TypeAdapter(ReportAnswer)
PORT_STATUS = TypeAdapter(PortStatus)
