"""``POST /v1/route/explain`` (the dry run) and the rule book endpoints.

Handlers are a few lines: parse the DTO, call the service, map the answer."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from tanggap.routing.api.dto import ExplainRequest, ExplainResponse, RulesRead, RulesReloaded
from tanggap.routing.api.errors import AdminOnly
from tanggap.routing.domain.decide import ReportFacts
from tanggap.routing.domain.geo import Point
from tanggap.routing.processor import Clock
from tanggap.routing.rulesource import RuleSource
from tanggap.routing.service import RoutingService
from tanggap.routing.settings import Settings

router = APIRouter(prefix="/v1", tags=["routing"])


def _service(request: Request) -> RoutingService:
    service: RoutingService = request.app.state.service
    return service


def _rules(request: Request) -> RuleSource:
    rules: RuleSource = request.app.state.rules
    return rules


def _clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def _admin(request: Request) -> None:
    """Changing the rule book is an operator's act: with ``admin_token`` set it
    takes that bearer token; without one it is refused in production (the
    process still reloads on SIGHUP, which only its host can send)."""
    settings: Settings = request.app.state.settings
    if settings.admin_token is None:
        if settings.environment == "production":
            raise AdminOnly(403, "set TANGGAP_ROUTING_ADMIN_TOKEN, or send the process SIGHUP")
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    expected = settings.admin_token.get_secret_value()
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), expected.encode()):
        raise AdminOnly(401, "this needs the admin bearer token")


Service = Annotated[RoutingService, Depends(_service)]
Rules = Annotated[RuleSource, Depends(_rules)]
Now = Annotated[Clock, Depends(_clock)]


@router.post("/route/explain", summary="Route a hypothetical report; nothing is emitted")
async def explain(body: ExplainRequest, service: Service, clock: Now) -> ExplainResponse:
    # As for a real report, the clocks start at the report's time, never later than now.
    now = clock()
    at = min(body.reported_at, now) if body.reported_at else now
    facts = ReportFacts(
        category=body.category,
        point=Point(body.lon, body.lat),
        answers=body.answers,
        reported_at=body.reported_at,
    )
    return ExplainResponse.of(service.explain(facts, at))


@router.get("/rules", summary="The rule book in use")
async def rules_in_use(rules: Rules) -> RulesRead:
    rulebook = rules.rulebook
    return RulesRead(
        version=rulebook.version,
        units_version=rulebook.units.version,
        categories=sorted(rulebook.categories),
    )


@router.post(
    "/rules/reload",
    summary="Read the rule and unit files again; keep the old on error",
    dependencies=[Depends(_admin)],
)
def reload_rules(rules: Rules) -> RulesReloaded:
    # A plain def: FastAPI runs it in a thread, so parsing the files does not
    # block the event loop the worker shares.
    return RulesReloaded.of(rules.reload())
