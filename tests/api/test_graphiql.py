"""GraphiQL is served with its own assets: the page names nothing outside this server."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from api.graphiql import ASSETS
from crossdock.app import create_app

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'");\s]+)""")


class References(HTMLParser):
    """Every URL a page makes the browser load: src of any tag, href of links."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("src"):
            self.urls.append(values["src"])
        if tag == "link" and values.get("href"):
            self.urls.append(values["href"])
        self._in_script = tag == "script" and not values.get("src")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def is_local(url: str) -> bool:
    """A path on this server, or data inlined in the page: nothing fetched from elsewhere."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return True
    return not parts.scheme and not parts.netloc and url.startswith("/")


@pytest.fixture
def app(sqlite_database):
    """The app; serving the page and its files needs no database, so SQLite alone."""
    with TestClient(create_app(sqlite_database.settings(), background=False)) as client:
        yield client


@pytest.fixture
def page(app):
    answer = app.get("/graphql", headers=BROWSER)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    return answer.text


def test_the_page_loads_only_assets_this_server_serves(app, page):
    # given
    references = References()
    references.feed(page)
    scripts = [url for url in references.urls if url.endswith(".js")]
    styles = [url for url in references.urls if url.endswith(".css")]
    # when
    served = {url: app.get(url) for url in references.urls if not url.startswith("data:")}
    # then
    assert [url for url in references.urls if not is_local(url)] == []
    assert references.inline_scripts == 0
    assert [s.rsplit("/", 1)[-1] for s in scripts] == [
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
        "start.js",
    ]
    assert styles == ["/static/graphiql/graphiql.min.css"]
    assert {url: answer.status_code for url, answer in served.items()} == dict.fromkeys(served, 200)
    for url in scripts:
        assert "javascript" in served[url].headers["content-type"]
    assert served[styles[0]].headers["content-type"].startswith("text/css")


def test_the_stylesheet_imports_nothing_and_inlines_its_fonts(app):
    # when
    css = app.get("/static/graphiql/graphiql.min.css").text
    # then
    assert CSS_IMPORT.findall(css) == []
    urls = CSS_URL.findall(css)
    assert urls, "the stylesheet's fonts are expected inline"
    assert [url for url in urls if not is_local(url)] == []


def test_the_scripts_point_at_no_source_map_or_outside_endpoint(app):
    # when
    texts = {
        name: app.get(f"/static/graphiql/{name}").text
        for name in ("react.production.min.js", "react-dom.production.min.js", "graphiql.min.js")
    }
    start = app.get("/static/graphiql/start.js").text
    # then: the vendored files ask for nothing more; the start-up talks to this page's URL
    assert [name for name, text in texts.items() if "sourceMappingURL" in text] == []
    assert re.findall(r"https?://", start) == []
    assert "window.location" in start


def test_the_page_follows_the_apps_root_path(sqlite_database):
    # given: behind a proxy that mounts the app under /crossdock
    app = create_app(sqlite_database.settings(), background=False)
    with TestClient(app, root_path="/crossdock") as client:
        # when
        page = client.get("/graphql", headers=BROWSER).text
        asset = client.get("/crossdock/static/graphiql/start.js")  # as the page names it
    # then
    assert 'src="/crossdock/static/graphiql/graphiql.min.js"' in page
    assert asset.status_code == 200


def test_every_vendored_file_has_its_licence_and_version_recorded():
    # given
    readme = (ASSETS / "README.md").read_text()
    # then
    for licence in ("LICENSE.graphiql", "LICENSE.react", "LICENSE.react-dom"):
        assert "Permission is hereby granted" in (ASSETS / licence).read_text()  # MIT
        assert licence in readme
    for pinned in ("graphiql@3.8.3", "react@18.2.0", "react-dom@18.2.0"):
        assert pinned in readme
