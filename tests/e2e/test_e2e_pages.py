"""Every page in headless Chromium, as a citizen or an operator sees it: it
renders, loads nothing from outside the app, logs no error, passes axe-core,
and is saved as a screenshot in test-artifacts/. The citizen's report (with a
photo) goes through the page and reaches Kafka as one `report.submitted`."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tanggap.schemas.cloudevents import decode
from tanggap.schemas.topic_names import Topic

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.timeout(300)]


def test_citizen_reports_with_a_photo_on_a_phone(
    open_page: Any, stack: Any, citizen_report: Any, cibeber_points: list[tuple[float, float]]
) -> None:
    marker = uuid.uuid4().hex[:8]
    description = f"Sampah menumpuk di pinggir jalan dekat musala, sudah tiga hari. [{marker}]"
    citizen, token = citizen_report(description, at=0)

    records = stack.records(Topic.REPORTS_SUBMITTED)
    events = [decode(r.value, r.headers) for r in records]
    mine = [e for e in events if e.data.description == description]
    assert len(mine) == 1, "the page must file the report exactly once"
    event = mine[0].data
    assert mine[0].type.endswith("report.submitted")
    assert event.category == "sampah"
    assert len(event.media) == 1, "the photo went with the report"
    lat, lon = cibeber_points[0]
    assert event.location is not None
    assert abs(event.location.lat - lat) < 1e-5
    assert abs(event.location.lon - lon) < 1e-5
    assert event.reporter is not None
    assert event.reporter.phone == "+6281234567890"

    tracking = open_page(f"{stack.intake_url}/lacak/{token}", device="phone")
    tracking.page.wait_for_selector("#report:not([hidden])")
    assert tracking.page.inner_text("#status") in ("Diterima", "Diteruskan")
    assert tracking.page.evaluate("document.documentElement.scrollWidth") <= 360
    tracking.axe("lacak-phone")
    tracking.shot("lacak-phone")
    tracking.assert_clean()
    citizen.assert_clean()


def test_report_page_on_a_desktop_in_english(open_page: Any, stack: Any) -> None:
    watched = open_page(f"{stack.intake_url}/lapor")
    page = watched.page
    page.wait_for_selector("#category option[value=sampah]", state="attached")
    page.select_option("#category", "banjir")
    assert page.is_visible("#emergency"), "an emergency category shows the 112 notice"
    assert "112" in page.inner_text("#emergency-numbers")
    page.wait_for_selector(".leaflet-overlay-pane path")
    assert page.locator(".leaflet-overlay-pane path").count() >= 43 + 8
    watched.axe("lapor-desktop")
    watched.shot("lapor-desktop")
    page.click("#lang")
    assert page.inner_text("h1") == "Report a problem near you"
    assert page.evaluate("document.documentElement.lang") == "en"
    watched.axe("lapor-desktop-en")
    watched.assert_clean()


def test_transparency_page(open_page: Any, stack: Any) -> None:
    for device in ("desktop", "phone"):
        watched = open_page(f"{stack.dashboard_url}/transparansi", device=device)
        page = watched.page
        page.wait_for_selector("#kecamatan-table tbody tr")
        assert page.locator("#kecamatan-table tbody tr").count() == 8
        page.wait_for_selector(".leaflet-overlay-pane path")
        width = page.viewport_size["width"] if page.viewport_size else 0
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        watched.axe(f"transparansi-{device}")
        watched.shot(f"transparansi-{device}")
        watched.assert_clean()


def test_command_center_for_the_city_and_for_a_lurah(
    open_page: Any, stack: Any, log_in: Any, operators: Any
) -> None:
    city = open_page(f"{stack.dashboard_url}/ui/")
    city.page.wait_for_selector("#login-view:not([hidden])")
    city.axe("ui-login")
    city.shot("ui-login")
    log_in(city, operators.command_center)
    page = city.page
    assert page.inner_text("#scope-title") == "Kota Cilegon"
    page.wait_for_selector("#map .leaflet-overlay-pane path")
    expect(page.locator("#t-open")).not_to_have_text("–")
    city.axe("ui-desktop")
    city.shot("ui-desktop", full_page=False)
    city.assert_clean()

    lurah = open_page(f"{stack.dashboard_url}/ui/", device="phone")
    log_in(lurah, operators.lurah)
    assert lurah.page.inner_text("#scope-title") == "Kelurahan Cibeber"
    assert lurah.page.is_visible("#tab-list")
    assert not lurah.page.is_visible("#f-kecamatan-wrap"), "a lurah's scope is one kelurahan"
    width = lurah.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the phone view scrolls sideways ({width}px)"
    lurah.axe("ui-phone")
    lurah.shot("ui-phone")
    lurah.page.click("#tab-map")
    expect(lurah.page.locator("#pane-map")).to_be_visible()
    box = lurah.page.locator("#map").bounding_box()
    assert box is not None
    assert box["width"] >= 330
    assert box["height"] >= 300
    lurah.shot("ui-phone-map", full_page=False)
    lurah.page.click("#tab-stats")
    lurah.shot("ui-phone-stats")
    lurah.assert_clean()


def test_the_command_center_sees_an_open311_request_it_must_place_by_hand(
    open_page: Any, stack: Any, log_in: Any, operators: Any
) -> None:
    """An aggregator's request whose address the gazetteer cannot place is
    accepted and flagged by intake, rejected by routing for want of a point,
    and shown to the command center (and to no one else) with what the
    citizen wrote and how to reach them."""
    description = f"Pipa PDAM bocor di mulut gang sejak kemarin, e2e {uuid.uuid4().hex[:8]}"
    answer = httpx.post(
        f"{stack.intake_url}/open311/v2/requests.json",
        data={
            "api_key": stack.open311_api_key,
            "service_code": "air-bersih",
            "attribute[jenis]": "bocor",
            "address_string": "Gang Kenanga RT 07 RW 02, dekat musala",
            "description": description,
            "first_name": "Rina",
            "phone": "0812-7788-9900",
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    [created] = answer.json()

    city = open_page(f"{stack.dashboard_url}/ui/")
    log_in(city, operators.command_center)
    page = city.page
    item = page.locator(".unrouted-item", has_text=description)
    expect(page.locator("#unrouted")).to_be_visible()
    # Opening the list reloads it; the projector may still be on its way.
    page.click("#unrouted summary")
    deadline = time.monotonic() + 30
    while item.count() == 0 and time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        page.click("#unrouted summary")  # closed, and opened (reloaded) again
        page.click("#unrouted summary")
    expect(item).to_be_visible()
    expect(item.locator(".needs-location")).to_have_text("Perlu lokasi")
    expect(item).to_contain_text("Gang Kenanga RT 07 RW 02")
    expect(item).to_contain_text(created["service_request_id"])
    expect(item.locator("a[href^='tel:']")).to_have_text("+6281277889900")
    city.axe("ui-unrouted")
    city.shot("ui-unrouted", full_page=False)
    city.assert_clean()

    lurah = open_page(f"{stack.dashboard_url}/ui/")
    log_in(lurah, operators.lurah)
    expect(lurah.page.locator("#unrouted")).to_be_hidden()
    lurah.assert_clean()


def test_the_command_center_reassigns_an_incident_to_a_unit_picked_by_name(
    open_page: Any, stack: Any, log_in: Any, operators: Any, citizen_report: Any
) -> None:
    """The reassign form offers the city's units by name, grouped by kind (not
    an id to type); routing carries the choice out and the panel shows it."""
    marker = uuid.uuid4().hex[:8]
    citizen, token = citizen_report(f"Sampah menumpuk di bahu jalan. [{marker}]", at=2)
    citizen.assert_clean()
    incident_id = None
    deadline = time.monotonic() + 30
    while incident_id is None and time.monotonic() < deadline:
        incident_id = httpx.get(f"{stack.intake_url}/v1/track/{token}", timeout=5).json()[
            "incident_id"
        ]
        time.sleep(0.3)
    assert incident_id, "routing opened no incident for the report"

    city = open_page(f"{stack.dashboard_url}/ui/")
    log_in(city, operators.command_center)
    page = city.page
    entry = page.locator(f'#incident-list .incident-button[data-id="{incident_id}"]')
    expect(entry).to_be_visible(timeout=20000)
    entry.click()
    panel = page.locator("#panel")
    expect(panel).to_contain_text("Kelurahan Cibeber")
    panel.locator("button[data-action=reassign]").click()
    picker = panel.locator("form[data-action=reassign] select[name=to_unit_id]")
    expect(
        picker.locator("optgroup[label=Kelurahan] option", has_text="Kelurahan Kedaleman")
    ).to_have_count(1)
    expect(picker.locator("optgroup[label='Perangkat daerah'] option[value=dlh]")).to_have_count(1)
    # The current owner is not offered.
    expect(picker.locator("option[value='kelurahan:36.72.01.1001']")).to_have_count(0)
    picker.select_option(label="Kelurahan Kedaleman")
    panel.locator("form[data-action=reassign] input[name=reason]").fill(
        "Lokasi masuk wilayah Kedaleman menurut ketua RT."
    )
    city.axe("ui-reassign")
    city.shot("ui-reassign", full_page=False)
    panel.locator("form[data-action=reassign] button[type=submit]").click()
    expect(panel.locator("dl.facts")).to_contain_text("Kelurahan Kedaleman", timeout=20000)
    city.assert_clean()
