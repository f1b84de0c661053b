"""The command center (``/ui/``) and the public transparency page
(``/transparansi``), served by dashboard-api on its own origin: the pages call
/v1 here. The built front end (``web/dist``, from ``web/build.sh``) is under
``/static``; the city's boundaries ship inside it, so the map renders with no
tile server. Nothing here is in the OpenAPI document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

DEFAULT_WEB_DIST = Path(__file__).resolve().parents[6] / "web" / "dist"
"""The repository's web/dist (editable install); images set the setting instead."""


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def content_security_policy(photo_url: str, tile_url: str | None) -> str:
    """Everything from this origin, except the citizens' photos (intake keeps
    and serves them) and, when one is configured, the map tiles."""
    images = ["'self'", "data:"]
    images += [o for o in (_origin(photo_url), _origin(tile_url or "")) if o and o not in images]
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {' '.join(images)}; connect-src 'self'; font-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


class _Static(StaticFiles):
    """The built files, revalidated on each use (ETag), so a rebuild shows at once."""

    async def check_config(self) -> None:
        # Starlette raises (a 500) when the folder is missing; before a build
        # every file is simply not there (404) and the pages say why (503).
        return None

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", "no-cache")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


def pages_router(
    web_dist: Path, *, photo_url: str, tile_url: str | None, tile_attribution: str
) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    headers = {
        "Content-Security-Policy": content_security_policy(photo_url, tile_url),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-cache",
    }

    def page(name: str) -> Response:
        path = web_dist / name
        if not path.is_file():
            return JSONResponse(
                {
                    "type": "urn:tanggap:problem:pages_not_built",
                    "title": "Pages not built",
                    "status": 503,
                    "code": "pages_not_built",
                    "detail": f"{path} is missing: run web/build.sh",
                },
                status_code=503,
                media_type="application/problem+json",
            )
        return FileResponse(path, media_type="text/html; charset=utf-8", headers=headers)

    @router.get("/")
    @router.get("/ui")
    async def to_command_center() -> Response:
        return RedirectResponse("/ui/", status_code=307)

    @router.get("/ui/")
    async def command_center() -> Response:
        return page("ui.html")

    @router.get("/ui/config.json")
    async def config() -> dict[str, Any]:
        """What the page cannot know by itself: an optional tile layer."""
        tiles = {"url": tile_url, "attribution": tile_attribution} if tile_url else None
        return {"tiles": tiles}

    @router.get("/transparansi")
    async def transparency() -> Response:
        return page("transparansi.html")

    return router


def install_command_center_pages(
    app: FastAPI,
    *,
    web_dist: Path = DEFAULT_WEB_DIST,
    photo_url: str = "http://127.0.0.1:8001",
    tile_url: str | None = None,
    tile_attribution: str = "",
) -> None:
    """Serve /ui/, /transparansi and /static from ``web_dist`` on ``app``.

    ``photo_url`` is where the browser loads reports' photos (the setting
    ``intake_public_url``); ``tile_url`` an optional XYZ tile template
    (``https://tiles.example/{z}/{x}/{y}.png``). A missing ``web_dist`` is not
    an error at start: the pages answer 503 ``pages_not_built`` until it exists.
    """
    app.mount("/static", _Static(directory=web_dist, check_dir=False), name="static")
    app.include_router(
        pages_router(
            web_dist, photo_url=photo_url, tile_url=tile_url, tile_attribution=tile_attribution
        )
    )
