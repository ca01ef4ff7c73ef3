"""In a real browser, with no way out to the internet: GraphiQL and the sign-in page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By

from tests.web.browser import DemoServer, chromium, demo_server, screenshot, wait_for, wait_for_text

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    with demo_server(tmp_path_factory.mktemp("graphiql-demo")) as server:
        yield server


@pytest.fixture
def browser(tmp_path: Path):
    with chromium(tmp_path) as driver:
        yield driver


def test_graphiql_loads_from_this_server_and_runs_viewer_offline(served, browser):
    # given a key in GraphiQL's saved headers, stored from another page of this origin
    # before GraphiQL first loads: GraphiQL saves its own headers a moment after it starts,
    # so a key put in while it runs may be overwritten by the default `Bearer `.
    key = served.key("provider key")
    browser.get(f"{served.url}/healthz")
    browser.execute_script(
        "localStorage.setItem('graphiql:headers', arguments[0]);",
        json.dumps({"Authorization": f"Bearer {key}"}),
    )
    browser.get(f"{served.url}/graphql")
    # when the default query (viewer) runs
    wait_for(browser, ".graphiql-execute-button").click()
    # then
    try:
        wait_for_text(browser, ".result-window", "Northwind Fulfilment")
    except TimeoutException:
        shown = browser.execute_script(
            "return [localStorage.getItem('graphiql:headers'),"
            " (document.querySelector('.result-window') || {}).innerText];"
        )
        raise AssertionError(f"saved headers, result window: {shown}") from None
    assert '"kind": "PROVIDER"' in browser.find_element(By.CSS_SELECTOR, ".result-window").text
    failed = browser.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(e => !e.name.startsWith(location.origin)).map(e => e.name)"
    )
    assert failed == []
    screenshot(browser, "graphiql")


def test_the_app_asks_who_is_there_first(served, browser):
    browser.get(served.url)

    form = wait_for(browser, "form[aria-label='Sign in']")

    assert form.find_element(By.CSS_SELECTOR, "input#email").get_attribute("type") == "email"
    assert browser.find_element(By.LINK_TEXT, "GraphiQL").get_attribute("href").endswith("/graphql")
    screenshot(browser, "sign-in")
