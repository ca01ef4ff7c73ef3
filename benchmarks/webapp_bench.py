"""The web app's speed, measured in Debian's Chromium against a real `crossdock serve --demo`.

    .venv/bin/python -m benchmarks.webapp_bench [--orders N] [--rounds R]

Prints three rows, each beside a baseline measured in the same run:

- the bundle a first visit downloads (index.html and the assets it names), raw and gzip,
  beside the budget of 300 KB gzip;
- the order board's first meaningful paint (navigation start to the first row of orders
  on screen, signed in, with N orders of the demo client stored), beside the same board
  query sent alone over HTTP with the same session (the API's share of it);
- a new order reaching the open board without reload (createOrder answered to its row on
  screen), beside the same order's event reaching a bare graphql-transport-ws subscriber.

Orders are created through the API (a few hundred per minute on a laptop), so a large
`--orders` takes a while; the board shows 50 at a time whatever the total.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from crossdock.demo import DEMO_USERS
from crossdock.web_build import BUNDLE_BUDGET_GZIP_BYTES
from tests.web.browser import DemoServer, chromium, demo_server, sign_in, wait_for

PEOPLE = {face: (email, password) for face, email, _, _, _, password in DEMO_USERS}
FIRST_ROW = "table[aria-label='Orders'] tbody tr:not(.empty)"
BOARD_QUERY = """query($first: Int!) { orderStatusCounts { status count }
  orders(first: $first) { edges { node { id externalReference status serviceLevel createdAt
    updatedAt client { code } fulfillmentOrders { id warehouse { code } } } }
    pageInfo { hasNextPage endCursor } } }"""
CREATE = """mutation($ref: String!) { createOrder(input: {externalReference: $ref,
  shipTo: {name: "Bench Buyer", line1: "1 Loop Rd", city: "Reno", region: "NV",
           postalCode: "89501", country: "US"},
  lines: [{sku: "TENT-2P", quantity: 1}]}) { order { id } userErrors { code } } }"""


def bundle_bytes(url: str) -> tuple[int, int]:
    """Raw and gzip bytes of index.html and every script and stylesheet it names."""
    index = httpx.get(f"{url}/", timeout=30).text
    paths = re.findall(r'(?:src|href)="(/[^"]+\.(?:js|css))"', index)
    bodies = [index.encode()] + [httpx.get(url + path, timeout=30).content for path in paths]
    return sum(map(len, bodies)), sum(len(gzip.compress(b, 9)) for b in bodies)


def seed_orders(served: DemoServer, count: int, prefix: str) -> None:
    """`count` orders of ACME's through createOrder, four at a time."""
    key = served.key("client key (ACME")
    with httpx.Client(base_url=served.url, timeout=60) as http:

        def create(n: int) -> None:
            answer = http.post(
                "/graphql",
                json={"query": CREATE, "variables": {"ref": f"{prefix}-{n:06d}"}},
                headers={"Authorization": f"Bearer {key}"},
            ).json()
            assert answer["data"]["createOrder"]["order"], answer

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(create, range(count)))


WATCH_FIRST_ROW = f"""new MutationObserver((_, watch) => {{
  if (document.querySelector("{FIRST_ROW}")) {{
    window.__firstRowAt = performance.now(); watch.disconnect();
  }}
}}).observe(document, {{childList: true, subtree: true}});"""


def watch_first_row(driver) -> None:
    """Every page this browser opens notes when the board's first row appears."""
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_FIRST_ROW})


def first_paint_ms(driver, url: str) -> float:
    """Navigation start to the first order row in the document, in the page's own clock."""
    driver.get(f"{url}/")
    wait_for(driver, FIRST_ROW, timeout=120)
    return driver.execute_script("return window.__firstRowAt;")


def board_query_ms(driver, url: str) -> float:
    """The board's query alone, sent from the signed-in page (cookie and CSRF header)."""
    return driver.execute_async_script(
        """const [query, done] = [arguments[0], arguments[arguments.length - 1]];
        const csrf = document.cookie.split('; ').find(c => c.startsWith('crossdock_csrf='));
        const t0 = performance.now();
        fetch('/graphql', {method: 'POST', credentials: 'same-origin',
          headers: {'Content-Type': 'application/json',
                    'X-CSRF-Token': decodeURIComponent(csrf.split('=')[1])},
          body: JSON.stringify({query, variables: {first: 50}})})
          .then(r => r.json()).then(() => done(performance.now() - t0));""",
        BOARD_QUERY,
    )


def board_update_ms(driver, served: DemoServer, reference: str) -> float:
    """createOrder answered, to the order's row on the open board, both in the page's clock.

    The page itself sends the order with ACME's key (no cookie), and a MutationObserver
    notes when the board's table first shows its reference.
    """
    wait_for(driver, FIRST_ROW)
    return driver.execute_async_script(
        """const [query, key, ref, done] = arguments;
        const table = document.querySelector("table[aria-label='Orders']");
        let answered = null;
        new MutationObserver((_, watch) => {
          if (answered !== null && table.textContent.includes(ref)) {
            watch.disconnect(); done(performance.now() - answered);
          }
        }).observe(table, {childList: true, subtree: true, characterData: true});
        fetch('/graphql', {method: 'POST', credentials: 'omit',
          headers: {'Content-Type': 'application/json', 'Authorization': 'Bearer ' + key},
          body: JSON.stringify({query, variables: {ref}})})
          .then(r => r.json()).then(() => { answered = performance.now(); });""",
        CREATE,
        served.key("client key (ACME"),
        reference,
    )


def event_ms(served: DemoServer, reference: str) -> float:
    """createOrder answered, to its first event at a bare subscriber (the provider key)."""
    arrived = threading.Event()
    ready = threading.Event()

    def listen() -> None:
        with connect(
            served.server.ws_url, subprotocols=[Subprotocol("graphql-transport-ws")]
        ) as ws:
            payload = {"Authorization": f"Bearer {served.key('provider key')}"}
            ws.send(json.dumps({"type": "connection_init", "payload": payload}))
            ws.recv(10)
            subscribe = {"query": "subscription { orderEvents { topic } }"}
            ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
            ready.set()
            ws.recv(60)
            arrived.set()

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    ready.wait(10)
    time.sleep(0.3)  # the subscription is registered server-side
    key = served.key("client key (ACME")
    httpx.post(
        f"{served.url}/graphql",
        json={"query": CREATE, "variables": {"ref": reference}},
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )
    sent = time.perf_counter()
    arrived.wait(60)
    thread.join(5)
    return (time.perf_counter() - sent) * 1000


def main() -> None:
    """Seed, measure in rounds, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, demo_server(Path(folder)) as served:
        started = time.perf_counter()
        seed_orders(served, options.orders, "SEED")
        print(f"seeded {options.orders} orders in {time.perf_counter() - started:.0f} s")
        raw, packed = bundle_bytes(served.url)
        paints, queries, updates, events = [], [], [], []
        with chromium(Path(folder)) as driver:
            sign_in(driver, served.url, *PEOPLE["staff"])
            watch_first_row(driver)
            for round_ in range(options.rounds):
                paints.append(first_paint_ms(driver, served.url))
                queries.append(board_query_ms(driver, served.url))
                updates.append(board_update_ms(driver, served, f"LIVE-{round_}"))
                events.append(event_ms(served, f"EVENT-{round_}"))
    p50 = statistics.median
    print(f"\n{options.orders} orders stored, {options.rounds} rounds, medians\n")
    print("| measurement | web app | baseline | ratio |")
    print("|---|---|---|---|")
    budget = BUNDLE_BUDGET_GZIP_BYTES
    print(f"| first load, gzip (raw) | {packed / 1024:.0f} KB ({raw / 1024:.0f} KB) "
          f"| budget {budget // 1024} KB | {packed / budget:.2f} |")  # fmt: skip
    print(f"| board first paint vs its query alone | {p50(paints):.0f} ms "
          f"| {p50(queries):.0f} ms | {p50(paints) / p50(queries):.1f} |")  # fmt: skip
    print(f"| new order on the open board vs bare subscriber | {p50(updates):.0f} ms "
          f"| {p50(events):.0f} ms | {p50(updates) / p50(events):.1f} |")  # fmt: skip


if __name__ == "__main__":
    main()
