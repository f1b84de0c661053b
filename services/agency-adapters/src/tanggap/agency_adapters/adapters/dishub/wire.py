from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints, TypeAdapter

Text = Annotated[str, StringConstraints(min_length=1, max_length=128, strip_whitespace=True)]


class TicketAnswer(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    nomor_tiket: Text


class TrafficPage(BaseModel):
    """The feed's envelope; each point is validated on its own (``TrafficPoint``)
    so one broken point does not cost the others."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    diperbarui: AwareDatetime
    titik: list[Any]


class TrafficPoint(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    kode: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.:-]{0,127}$")]
    nama: Text
    jenis: Annotated[str, StringConstraints(pattern=r"^(ruas|simpang)$")]
    tingkat: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    kecepatan_kmh: float | None = None
    lat: float
    lon: float
    waktu: datetime | None = None


TICKET_ANSWER = TypeAdapter(TicketAnswer)
TRAFFIC_PAGE = TypeAdapter(TrafficPage)
