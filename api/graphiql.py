"""GraphiQL in the browser, served with its assets from this server: no CDN, works offline."""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

ASSETS = Path(__file__).parent / "static" / "graphiql"
ASSETS_PATH = "/static/graphiql"
"""Where the app serves the vendored GraphiQL files (api/static/graphiql/README.md)."""

_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Crossdock GraphiQL</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="{assets}/graphiql.min.css">
    <style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL...</div>
    <script src="{assets}/react.production.min.js"></script>
    <script src="{assets}/react-dom.production.min.js"></script>
    <script src="{assets}/graphiql.min.js"></script>
    <script src="{assets}/start.js"></script>
  </body>
</html>
"""


def graphiql_page(request: Request) -> HTMLResponse:
    """The GraphiQL page; its scripts and styles come from this app, under its root path."""
    root = request.scope.get("root_path", "").rstrip("/")
    return HTMLResponse(_PAGE.format(assets=escape(root + ASSETS_PATH)))


def graphiql_assets() -> Mount:
    """The route serving the vendored GraphiQL files."""
    return Mount(ASSETS_PATH, app=StaticFiles(directory=ASSETS), name="graphiql-assets")
