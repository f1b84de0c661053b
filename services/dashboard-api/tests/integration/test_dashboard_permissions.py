"""The permission matrix: for each role (and unit) and each endpoint, what it
may see and do — written out by hand below, not derived from the code under
test. Personal data must never reach a role that may not see it: every
response body of every endpoint is searched for the reporters' names, phone
numbers, e-mail addresses and words."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from dashboard_testkit import (
    COMMAND_CENTER,
    DISHUB,
    DLH,
    POLSEK_CIBEBER,
    Scenario,
    count,
    eventually,
    load_areas,
    login,
    produce,
    settings_for,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from tanggap.dashboard.domain.roles import Role
from tanggap.dashboard.main import create_app
from tanggap.schemas.common import Privacy, UnitRef, UnitType, uuid7
from tanggap.schemas.events import Channel, Reporter, ReportSubmitted
from tanggap.streaming import EventProducer

pytestmark = pytest.mark.integration

PASSWORD = "kata-sandi-matriks-1"
UNPLACED_WORDS = "Deskripsi rahasia laporan tanpa lokasi dekat rumah pak RT"
UNPLACED_REPORTER = Reporter(name="Pelapor Tanpa Lokasi", phone="+6281299990001")
AT = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
BPBD = UnitRef(id="bpbd", type=UnitType.OPD, name="BPBD Kota Cilegon")


@dataclass(frozen=True)
class Case:
    """One incident of the matrix and the personal data it carries."""

    name: str
    kelurahan: str
    category: str
    privacy: Privacy
    owner: UnitRef | None
    handler: UnitRef
    copied: tuple[UnitRef, ...] = ()

    @property
    def words(self) -> str:
        return f"Deskripsi rahasia kasus {self.name} rumah nomor 1{self.name}"

    @property
    def reporter(self) -> Reporter:
        return Reporter(
            name=f"Pelapor {self.name}",
            phone=f"+62812000000{ord(self.name) % 100:02d}",
            email=f"pelapor.{self.name.lower()}@contoh.id",
        )

    @property
    def contact_markers(self) -> list[str]:
        r = self.reporter
        return [r.name or "", r.phone or "", r.email or ""]


CASES = (
    Case("A", "36.72.01.1001", "sampah", Privacy.PUBLIC, None, DLH),
    Case("B", "36.72.01.1002", "sampah", Privacy.PUBLIC, None, DLH),
    Case("C", "36.72.01.1002", "keributan", Privacy.ANONYMOUS, POLSEK_CIBEBER, POLSEK_CIBEBER),
    Case("D", "36.72.08.1005", "penerangan-jalan", Privacy.CONFIDENTIAL, None, DISHUB),
    Case("E", "36.72.02.1001", "banjir", Privacy.PUBLIC, COMMAND_CENTER, BPBD),
)

# username, role, unit, incidents it sees, incidents whose reports it may read
OPERATORS: tuple[tuple[str, Role, str, str, str], ...] = (
    ("cc.operator", Role.COMMAND_CENTER, "command-center", "ABCDE", "ABCDE"),
    ("camat.cibeber", Role.CAMAT, "kecamatan:36.72.01", "ABC", ""),
    ("lurah.cibeber", Role.LURAH, "kelurahan:36.72.01.1001", "A", "A"),
    ("lurah.kedaleman", Role.LURAH, "kelurahan:36.72.01.1002", "BC", "B"),
    ("polsek.cibeber", Role.POLICE, "polsek:cibeber", "C", "C"),
    ("polres.cilegon", Role.POLICE, "polres:cilegon", "C", ""),
    ("dishub.op", Role.AGENCY, "dishub", "D", "D"),
    ("dlh.op", Role.AGENCY, "dlh", "AB", "AB"),
    ("viewer.cc", Role.VIEWER, "command-center", "ABCDE", ""),
    ("viewer.cibeber", Role.VIEWER, "kelurahan:36.72.01.1001", "A", ""),
)

# username -> {incident: (acknowledge, reassign, comment)} for the incidents it sees;
# True: the command is sent to routing (202, routing has not answered); False: 403.
ACTIONS: dict[str, dict[str, tuple[bool, bool, bool]]] = {
    "cc.operator": {c: (True, True, True) for c in "ABCDE"},
    "camat.cibeber": {"A": (True, True, True), "B": (True, True, True), "C": (False, False, True)},
    "lurah.cibeber": {"A": (True, True, True)},
    "lurah.kedaleman": {"B": (True, True, True), "C": (False, False, True)},
    "polsek.cibeber": {"C": (True, True, True)},
    "polres.cilegon": {"C": (True, True, True)},
    "dishub.op": {"D": (True, False, True)},
    "dlh.op": {"A": (True, False, True), "B": (True, False, True)},
    "viewer.cc": {c: (False, False, False) for c in "ABCDE"},
    "viewer.cibeber": {"A": (False, False, False)},
}

SCOPED_READS = (
    "/v1/incidents",
    "/v1/incidents.geojson",
    "/v1/stats/overview",
    "/v1/stats/units",
    "/v1/stats/trend",
    "/v1/stats/kelurahan.geojson",
    "/v1/summary/daily",
    "/v1/summary/daily.csv",
    "/v1/agency/feeds",
    "/v1/auth/me",
)


@dataclass
class Matrix:
    client: httpx.AsyncClient
    ids: dict[str, str]
    headers: dict[str, dict[str, str]]
    engine: AsyncEngine


@pytest.fixture(scope="module")
async def matrix(
    database_url: str,
    kafka_bootstrap: str,
    schema: str,
    engine: AsyncEngine,
    prefix: str,
    producer: EventProducer,
) -> AsyncIterator[Matrix]:
    # Nobody plays routing here: a permitted action is sent and answered 'pending'.
    settings = settings_for(database_url, kafka_bootstrap, schema, prefix, command_wait_s=0.0)
    app = create_app(settings)
    scenario = Scenario(await load_areas(engine))
    ids: dict[str, str] = {}
    async with app.router.lifespan_context(app):
        for case in CASES:
            ids[case.name], events = scenario.report(
                case.kelurahan,
                category=case.category,
                privacy=case.privacy,
                reporter=case.reporter,
                description=case.words,
                owner=case.owner,
                handler=case.handler,
                copied=case.copied,
                at=AT,
            )
            await produce(producer, prefix, events)
        # An Open311 request intake could not place: no incident, the command center's.
        await produce(producer, prefix, [unplaced_report()])
        auth = app.state.use_cases.auth
        for username, role, unit, _, _ in OPERATORS:
            await auth.create_user(
                username=username, display_name=username, role=role, unit_id=unit, password=PASSWORD
            )
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://dashboard"
        ) as client:
            await eventually(lambda: all_reports_projected(engine))
            headers = {u: await login(client, u, PASSWORD) for u, *_ in OPERATORS}
            yield Matrix(client, ids, headers, engine)


def unplaced_report() -> ReportSubmitted:
    return ReportSubmitted(
        report_id=uuid7(),
        submitted_at=AT,
        category="lainnya",
        description=UNPLACED_WORDS,
        location=None,
        needs_manual_location=True,
        address_text="Gang Melati dekat masjid",
        area_key="unlocated",
        reporter=UNPLACED_REPORTER,
        privacy=Privacy.PUBLIC,
        channel=Channel.OPEN311,
    )


async def all_reports_projected(engine: AsyncEngine) -> bool:
    sql = "SELECT count(*) FROM reports WHERE privacy IS NOT NULL"
    routed = "SELECT count(*) FROM reports WHERE incident_id IS NOT NULL"
    return await count(engine, sql) == len(CASES) + 1 and await count(engine, routed) == len(CASES)


def leaks(body: str, readable: str) -> list[str]:
    """Personal data in a response body that the caller may not read."""
    found = []
    for case in CASES:
        markers = list(case.contact_markers)
        if case.name in readable and case.privacy is Privacy.PUBLIC:
            markers = []  # contact shown: the caller may read it
        if case.name not in readable:
            markers.append(case.words)
        found += [m for m in markers if m and m in body]
    unplaced = [UNPLACED_WORDS, UNPLACED_REPORTER.name or "", UNPLACED_REPORTER.phone or ""]
    return found + [m for m in unplaced if m in body]


@pytest.mark.parametrize(("username", "role", "unit", "sees", "reads"), OPERATORS)
async def test_what_each_operator_sees(
    matrix: Matrix, username: str, role: Role, unit: str, sees: str, reads: str
) -> None:
    headers = matrix.headers[username]
    by_id = {v: k for k, v in matrix.ids.items()}

    listed = (await matrix.client.get("/v1/incidents", headers=headers)).json()
    assert "".join(sorted(by_id[i["id"]] for i in listed["items"])) == sees
    geo = (await matrix.client.get("/v1/incidents.geojson", headers=headers)).json()
    assert "".join(sorted(by_id[f["id"]] for f in geo["features"])) == sees
    overview = (await matrix.client.get("/v1/stats/overview", headers=headers)).json()
    assert overview["totals"]["total"] == len(sees)

    for name, incident_id in matrix.ids.items():
        response = await matrix.client.get(f"/v1/incidents/{incident_id}", headers=headers)
        if name not in sees:
            assert response.status_code == 404, (username, name)
            assert response.json()["code"] == "incident_not_found"
            continue
        assert response.status_code == 200, (username, name)
        detail = response.json()
        assert detail["personal_data_visible"] is (name in reads)
        (report,) = detail["reports"]
        assert report["content_visible"] is (name in reads)
        case = next(c for c in CASES if c.name == name)
        if name in reads:
            assert report["description"] == case.words
        contact_shown = name in reads and case.privacy is Privacy.PUBLIC
        assert (report.get("reporter") is not None) is contact_shown
        assert leaks(response.text, reads) == []

    for path in SCOPED_READS:
        response = await matrix.client.get(path, headers=headers)
        assert response.status_code == 200, (username, path, response.text)
        assert leaks(response.text, reads) == [], (username, path)

    unrouted = await matrix.client.get("/v1/reports/unrouted", headers=headers)
    if role is Role.COMMAND_CENTER:
        assert unrouted.status_code == 200
        (report,) = unrouted.json()
        assert report["description"] == UNPLACED_WORDS
        assert report["needs_manual_location"] is True
        assert report["reporter"]["phone"] == UNPLACED_REPORTER.phone
    else:
        assert unrouted.status_code == 403, username
        assert leaks(unrouted.text, reads) == []


@pytest.mark.parametrize("username", list(ACTIONS))
async def test_what_each_operator_may_do(matrix: Matrix, username: str) -> None:
    headers = matrix.headers[username]
    allowed = ACTIONS[username]
    bodies = {
        "acknowledge": {"note": "Diterima"},
        "reassign": {"to_unit_id": "dpupr", "reason": "Saluran kota"},
        "comment": {"text": "Kami pantau"},
    }
    for name, incident_id in matrix.ids.items():
        for index, (action, body) in enumerate(bodies.items()):
            response = await matrix.client.post(
                f"/v1/incidents/{incident_id}/{action}", json=body, headers=headers
            )
            if name not in allowed:
                assert response.status_code == 404, (username, name, action)
                continue
            expected = 202 if allowed[name][index] else 403
            assert response.status_code == expected, (username, name, action, response.text)
    audited = await count(
        matrix.engine,
        "SELECT count(*) FROM audit_log WHERE username = :u AND action LIKE 'incident.%' "
        "AND action <> 'incident.view_personal_data'",
        u=username,
    )
    attempts = sum(1 for name in allowed for _ in bodies)
    assert audited == attempts


async def test_anonymous_callers_get_only_the_public_figures(matrix: Matrix) -> None:
    for path in SCOPED_READS:
        response = await matrix.client.get(path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"
    forged = {
        "Authorization": "Bearer " + matrix.headers["cc.operator"]["Authorization"][7:-2] + "xx"
    }
    assert (await matrix.client.get("/v1/incidents", headers=forged)).status_code == 401

    public = await matrix.client.get("/v1/public/stats")
    assert public.status_code == 200
    figures = public.json()
    # D came only from a confidential report: not on the public page.
    assert figures["totals"]["total"] == 4
    assert sorted(c["key"] for c in figures["category"]) == ["banjir", "keributan", "sampah"]
    assert leaks(public.text, readable="") == []
    areas = (await matrix.client.get("/v1/public/areas")).json()
    assert len(areas["kelurahan"]) == 43
    assert len(areas["kecamatan"]) == 8


async def test_every_operator_may_pick_a_unit_by_name_and_nobody_else(matrix: Matrix) -> None:
    assert (await matrix.client.get("/v1/units")).status_code == 401
    for username, headers in matrix.headers.items():
        response = await matrix.client.get("/v1/units", headers=headers)
        assert response.status_code == 200, username
    units = {u["id"]: u for u in response.json()}
    # The city's real organisation: 43 kelurahan, 8 kecamatan, the police, the offices.
    assert sum(u["type"] == "kelurahan" for u in units.values()) == 43
    assert sum(u["type"] == "kecamatan" for u in units.values()) == 8
    assert units["kelurahan:36.72.01.1001"]["name"] == "Kelurahan Cibeber"
    assert units["polres:cilegon"]["type"] == "polres"
    assert units["dlh"]["type"] == "opd"
    assert "command-center" in units
