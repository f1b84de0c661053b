"""The whole loop, as people live it: a citizen reports rubbish with a photo
from a phone; the lurah of that kelurahan, on a 360-px phone, sees it arrive
without reloading, acknowledges and resolves it; the citizen's tracking page
then says it is resolved; the command center's tiles and map show it."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.timeout(300)]

CATEGORY = "Sampah menumpuk, tidak diangkut, atau dibuang sembarangan"
LIVE_WAIT_MS = 30000  # routing, then the projector, then the stream


def listed(page: Any) -> dict[str, str]:
    """The incidents in the work queue now: id -> the text of its entry."""
    entries = page.eval_on_selector_all(
        "#incident-list .incident-button", "all => all.map(b => [b.dataset.id, b.textContent])"
    )
    return dict(entries)


def wait_for_new(page: Any, known: set[str]) -> str:
    """The id of the first rubbish incident that was not in the queue before
    (other incidents may be in the lurah's queue already)."""
    deadline = time.monotonic() + LIVE_WAIT_MS / 1000
    while time.monotonic() < deadline:
        new = [i for i, text in listed(page).items() if i not in known and CATEGORY in text]
        if new:
            return new[0]
        page.wait_for_timeout(250)
    raise AssertionError("the new incident did not arrive on the lurah's phone")


def test_report_to_resolution_across_citizen_lurah_and_command_center(
    open_page: Any, stack: Any, log_in: Any, operators: Any, citizen_report: Any
) -> None:
    lurah = open_page(f"{stack.dashboard_url}/ui/", device="phone")
    log_in(lurah, operators.lurah)
    phone = lurah.page
    # A mark that a reload would wipe: the incident must arrive on this same page.
    phone.evaluate("() => { window.tanggapNoReload = true; }")

    known = set(listed(phone))
    marker = uuid.uuid4().hex[:8]
    citizen, token = citizen_report(f"TPS penuh, sampah meluber ke jalan. [{marker}]", at=1)

    incident_id = wait_for_new(phone, known)
    assert phone.evaluate("() => window.tanggapNoReload === true"), "the page reloaded"
    lurah.shot("flow-1-lurah-sees-it")

    phone.click(f'.incident-button[data-id="{incident_id}"]')
    panel = phone.locator("#panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".report-card", has_text=marker)).to_be_visible()
    expect(panel.locator(".photo-strip img").first).to_be_visible()
    lurah.shot("flow-2-panel", full_page=False)

    panel.locator("button[data-action=acknowledge]").click()
    panel.locator("form[data-action=acknowledge] textarea").fill(
        "Sudah kami terima, petugas ke lokasi."
    )
    panel.locator("form[data-action=acknowledge] button[type=submit]").click()
    expect(panel.locator(".badges .badge").first).to_have_text("Ditanggapi", timeout=15000)

    panel.locator("button[data-action=resolve]").click()
    panel.locator("form[data-action=resolve] textarea").fill("Sampah sudah diangkut truk DLH.")
    panel.locator("form[data-action=resolve] button[type=submit]").click()
    expect(panel.locator(".badges .badge").first).to_have_text("Selesai", timeout=15000)
    lurah.axe("flow-panel-phone")
    lurah.shot("flow-3-resolved", full_page=False)
    lurah.assert_clean()

    tracking = open_page(f"{stack.intake_url}/lacak/{token}", device="phone")
    expect(tracking.page.locator("#status")).to_have_text("Selesai", timeout=20000)
    expect(tracking.page.locator("#timeline")).to_contain_text("Sampah sudah diangkut")
    tracking.shot("flow-4-citizen-sees-resolved")
    tracking.assert_clean()
    citizen.assert_clean()

    city = open_page(f"{stack.dashboard_url}/ui/")
    log_in(city, operators.command_center)
    page = city.page
    expect(page.locator("#t-ack")).not_to_have_text("–")
    expect(page.locator("#t-ontime")).to_have_text(re.compile(r"^\d+%$"))
    resolved = page.locator(f'#incident-list .incident.st-resolved [data-id="{incident_id}"]')
    expect(resolved).to_be_visible()
    resolved.click()
    expect(page.locator("#map .leaflet-marker-pane .inc.st-resolved span").first).to_be_visible()
    city.shot("flow-5-command-center", full_page=False)
    city.assert_clean()
