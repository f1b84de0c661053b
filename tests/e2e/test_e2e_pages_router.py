"""The routers that serve the pages (no browser): which page answers where,
the headers that keep the pages to their own origin, and a clear 503 rather
than a crash before web/build.sh has run."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tanggap.dashboard.api.pages import install_command_center_pages
from tanggap.intake.api.pages import install_citizen_pages


def built(folder: Path) -> Path:
    for page in ("lapor.html", "lacak.html", "ui.html", "transparansi.html"):
        (folder / page).write_text(f"<!doctype html><title>{page}</title>")
    (folder / "css").mkdir()
    (folder / "css" / "base.css").write_text("body{}")
    return folder


def citizen(folder: Path) -> TestClient:
    app = FastAPI()
    install_citizen_pages(app, web_dist=folder, transparency_url="http://dash.test/transparansi")
    return TestClient(app)


def command_center(folder: Path, tiles: str | None = None) -> TestClient:
    app = FastAPI()
    install_command_center_pages(
        app, web_dist=folder, photo_url="http://127.0.0.1:8001", tile_url=tiles
    )
    return TestClient(app, follow_redirects=False)


def test_citizen_pages_and_their_headers(tmp_path: Path) -> None:
    client = citizen(built(tmp_path))
    for path, page in (
        ("/", "lapor"),
        ("/lapor", "lapor"),
        ("/lacak", "lacak"),
        ("/lacak/abc", "lacak"),
    ):
        answer = client.get(path)
        assert answer.status_code == 200
        assert f"{page}.html" in answer.text
        assert answer.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in answer.headers["content-security-policy"]
        assert answer.headers["referrer-policy"] == "no-referrer"
    css = client.get("/static/css/base.css")
    assert css.status_code == 200
    assert css.headers["cache-control"] == "no-cache"
    moved = client.get("/transparansi", follow_redirects=False)
    assert moved.status_code == 307
    assert moved.headers["location"] == "http://dash.test/transparansi"


def test_before_a_build_pages_say_so_and_nothing_crashes(tmp_path: Path) -> None:
    client = citizen(tmp_path / "missing")
    answer = client.get("/lapor")
    assert answer.status_code == 503
    assert answer.json()["code"] == "pages_not_built"
    assert client.get("/static/js/citizen/report.js").status_code == 404
    dashboard = command_center(tmp_path / "missing")
    assert dashboard.get("/ui/").json()["code"] == "pages_not_built"


def test_command_center_pages(tmp_path: Path) -> None:
    client = command_center(built(tmp_path))
    assert client.get("/").headers["location"] == "/ui/"
    assert client.get("/ui").headers["location"] == "/ui/"
    page = client.get("/ui/")
    assert "ui.html" in page.text
    policy = page.headers["content-security-policy"]
    assert "img-src 'self' data: http://127.0.0.1:8001;" in policy
    assert "connect-src 'self'" in policy
    assert client.get("/ui/config.json").json() == {"tiles": None}
    assert "transparansi.html" in client.get("/transparansi").text


def test_a_configured_tile_layer_is_allowed_and_announced(tmp_path: Path) -> None:
    client = command_center(built(tmp_path), tiles="https://tiles.example/{z}/{x}/{y}.png")
    policy = client.get("/ui/").headers["content-security-policy"]
    assert "https://tiles.example" in policy
    assert client.get("/ui/config.json").json()["tiles"]["url"].startswith("https://tiles.example/")


def test_pages_stay_out_of_the_api_documents(tmp_path: Path) -> None:
    for client in (citizen(built(tmp_path)), command_center(tmp_path)):
        paths = client.get("/openapi.json").json()["paths"]
        assert not [p for p in paths if p in ("/", "/lapor", "/ui/", "/transparansi")]
