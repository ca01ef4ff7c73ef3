"""The web app (console and portals) at `/`: built assets from web/, an SPA fallback.

`npm run build` in web/ writes the app into api/static/app. Hashed files under `assets/`
never change, so browsers keep them for a year; index.html is always revalidated, so a
new build is picked up at the next page load. Without a build, `/` explains how to get one.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

BUILD = Path(__file__).parent / "static" / "app"
"""Where web/'s `npm run build` writes the app (kept out of git; the Docker image builds it)."""

RESERVED_PREFIXES = ("graphql", "healthz", "static", "assets", "auth", "carriers")
"""First path segments that belong to the server, never to the app's own routes."""

IMMUTABLE = "public, max-age=31536000, immutable"

_NOT_BUILT = """<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Crossdock: the web app is not built</title></head>
  <body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto">
    <h1>The web app is not built</h1>
    <p>The API is running: <a href="/graphql">GraphiQL is at /graphql</a>.</p>
    <p>To get the console and the portals, install Node.js 20 or newer and run
    <code>./dev serve --demo</code> again (it builds the app when it is missing or stale),
    or build it by hand: <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>.</p>
  </body>
</html>
"""


class HashedAssets(StaticFiles):
    """Vite's content-hashed files, cached by browsers for good."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = IMMUTABLE
        return response


def web_app_routes(build: Path = BUILD) -> list[BaseRoute]:
    """`/assets/*` (hashed, immutable) and every app route answered with index.html."""

    async def page(request: Request) -> Response:
        path = request.path_params.get("path", "")
        first = path.split("/", 1)[0]
        if first in RESERVED_PREFIXES or "." in path.rsplit("/", 1)[-1]:
            return Response("Not Found", status_code=404, media_type="text/plain")
        index = build / "index.html"
        if not index.is_file():
            return HTMLResponse(_NOT_BUILT, headers={"Cache-Control": "no-cache"})
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    # check_dir=False: a build made while the server runs is served without a restart
    assets = HashedAssets(directory=build / "assets", check_dir=False)
    return [
        Mount("/assets", app=assets, name="app-assets"),
        Route("/", page, methods=["GET", "HEAD"]),
        Route("/{path:path}", page, methods=["GET", "HEAD"]),
    ]
