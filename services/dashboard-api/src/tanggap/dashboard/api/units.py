"""The units an incident can be given to: for the reassign form, so an
operator picks a unit by name instead of typing its id."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from tanggap.dashboard.api.deps import CurrentPrincipal, UseCasesDep
from tanggap.dashboard.api.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1", tags=["units"], responses=PROBLEM_RESPONSES)


class UnitRead(BaseModel):
    id: str
    name: str
    abbreviation: str | None
    type: str


@router.get("/units", summary="Every unit that can own or handle an incident")
async def units(principal: CurrentPrincipal, cases: UseCasesDep) -> list[UnitRead]:
    # Any signed-in operator: the registry is the city's organisation, public knowledge.
    return [
        UnitRead(id=u.id, name=u.name, abbreviation=u.abbreviation, type=u.type)
        for u in cases.units
    ]
