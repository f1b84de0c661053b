"""The police case system's JSON, as the adapter reads it. Strict: a number
where text is expected is a protocol error, not something to coerce."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, TypeAdapter

CaseNumber = Annotated[str, StringConstraints(min_length=1, max_length=128, strip_whitespace=True)]


class CaseAnswer(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    nomor_laporan: CaseNumber
    status: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    keterangan: Annotated[str, StringConstraints(max_length=4000)] | None = None


CASE_ANSWER = TypeAdapter(CaseAnswer)
