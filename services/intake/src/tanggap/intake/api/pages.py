"""The citizen pages, served by intake on its own origin (the pages call /v1 here):
report a problem at ``/`` and ``/lapor``, follow it at ``/lacak/{token}``.

The pages are the built front end in ``web/dist`` (``web/build.sh``): plain
HTML, ES modules, and the libraries' own files, all under ``/static`` — never
from a CDN. Nothing here is in the OpenAPI document: the API's contract is
/v1 and /open311, not the pages.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

DEFAULT_WEB_DIST = Path(__file__).resolve().parents[6] / "web" / "dist"
"""The repository's web/dist (editable install); images set the setting instead."""

# The pages load nothing from anywhere else: the browser enforces it.
# Photos the citizen picked are shown from blob: URLs before upload.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # The tracking token is in /lacak/<token>: it must never leak as a Referer.
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "geolocation=(self), camera=(self)",
    "Cache-Control": "no-cache",
}


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


def _page(web_dist: Path, name: str) -> Response:
    path = web_dist / name
    if not path.is_file():
        # A service started before `web/build.sh` ran: say so, in the problem shape.
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
    return FileResponse(path, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


def citizen_router(web_dist: Path, transparency_url: str) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    @router.get("/lapor")
    async def report_page() -> Response:
        return _page(web_dist, "lapor.html")

    @router.get("/lacak")
    async def lookup_page() -> Response:
        return _page(web_dist, "lacak.html")

    @router.get("/lacak/{token}")
    async def tracking_page(token: str) -> Response:
        # The page reads the token from its own address and asks /v1/track.
        return _page(web_dist, "lacak.html")

    @router.get("/transparansi")
    async def transparency() -> Response:
        # The public figures live with the read model, on dashboard-api.
        return RedirectResponse(transparency_url, status_code=307)

    return router


def install_citizen_pages(
    app: FastAPI,
    *,
    web_dist: Path = DEFAULT_WEB_DIST,
    transparency_url: str = "http://127.0.0.1:8004/transparansi",
) -> None:
    """Serve the citizen pages and ``/static`` from ``web_dist`` on ``app``.

    A missing ``web_dist`` is not an error at start: the API works without
    pages, and the pages answer 503 ``pages_not_built`` until it exists.
    """
    app.mount("/static", _Static(directory=web_dist, check_dir=False), name="static")
    app.include_router(citizen_router(web_dist, transparency_url))
