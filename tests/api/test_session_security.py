"""Cookie requests against cross-site use: CSRF, session fixation, throttling, expiry."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from crossdock.app import create_app
from persistence.base import utcnow
from tenants.sessions import lookup_one, token_hash
from tenants.user_models import UserSession
from tests.api.session_client import (
    MERCHANT,
    STAFF,
    VIEWER,
    Browser,
    graphql,
    sign_in,
    signed_in,
)


def refused(response) -> bool:
    return (
        response.status_code == 403
        and response.json()["errors"][0]["extensions"]["code"] == "CSRF_REFUSED"
    )


def test_a_cookie_request_from_another_origin_is_refused(app, demo_keys):
    browser = signed_in(app, STAFF)
    assert refused(graphql(app, browser, VIEWER, origin="https://evil.example"))


def test_a_cookie_request_without_the_csrf_header_is_refused(app, demo_keys):
    browser = signed_in(app, STAFF)
    assert refused(graphql(app, browser, VIEWER, csrf=None))
    assert refused(graphql(app, browser, VIEWER, csrf="guessed"))


def test_a_csrf_token_of_another_session_is_refused(app, demo_keys):
    # given: the attacker's own session's CSRF token, planted as the victim's CSRF cookie
    victim = signed_in(app, STAFF)
    attacker = signed_in(app, MERCHANT)
    forged = Browser(victim.session, attacker.csrf)
    # then
    assert refused(graphql(app, forged, VIEWER))


def test_same_origin_without_an_origin_header_is_answered(app, demo_keys):
    browser = signed_in(app, STAFF)
    answer = graphql(app, browser, VIEWER, origin=None)
    assert answer.status_code == 200
    assert answer.json()["data"]["viewer"]["user"]["email"] == STAFF[0]


def test_a_bearer_key_wins_over_a_cookie_and_needs_no_csrf_token(app, demo_keys):
    browser = signed_in(app, STAFF)
    response = app.post(
        "/graphql",
        json={"query": VIEWER},
        headers={
            "Authorization": f"Bearer {demo_keys['client']}",
            "Cookie": browser.cookie_header(),
            "Origin": "https://evil.example",
        },
    )
    assert response.status_code == 200
    viewer = response.json()["data"]["viewer"]
    assert viewer["kind"] == "CLIENT"
    assert viewer["user"] is None


def test_sign_in_from_another_origin_is_refused(app, demo_keys):
    response = sign_in(app, *STAFF, Origin="https://evil.example")
    assert response.status_code == 403
    assert "set-cookie" not in response.headers


def test_sign_in_rotates_the_session_id(app, demo_keys):
    # given: a session id planted in the browser before sign-in, and a live session
    planted = "planted-by-an-attacker"
    earlier = signed_in(app, STAFF)
    # when
    after_planted = sign_in(app, *STAFF, Cookie=f"crossdock_session={planted}")
    again = sign_in(app, *STAFF, Cookie=f"crossdock_session={earlier.session}")
    # then
    assert after_planted.cookies["crossdock_session"] != planted
    fresh = Browser(again.cookies["crossdock_session"], again.cookies["crossdock_csrf"])
    assert fresh.session != earlier.session
    assert graphql(app, earlier, VIEWER).json()["errors"][0]["extensions"]["code"] == (
        "SESSION_EXPIRED"
    )
    assert graphql(app, fresh, VIEWER).json()["data"]["viewer"]["user"]["email"] == STAFF[0]


def _app(database, **changes) -> TestClient:
    """An app over the test database with some settings changed."""
    settings = dataclasses.replace(database.settings(), **changes)
    return TestClient(create_app(settings, background=False))


def test_failed_sign_ins_throttle_the_account(database, demo_keys):
    with _app(database, sign_in_max_failures=3) as http:
        # given
        answers = [sign_in(http, STAFF[0], "wrong-password").status_code for _ in range(3)]
        # when: the right password, too late
        throttled = sign_in(http, *STAFF)
        other = sign_in(http, *MERCHANT)
    # then
    assert answers == [401, 401, 401]
    assert throttled.status_code == 429
    error = throttled.json()["error"]
    assert error["code"] == "THROTTLED"
    assert 0 < error["retryAfter"] <= 15 * 60
    assert throttled.headers["retry-after"] == str(error["retryAfter"])
    assert other.status_code == 200  # another account from the same address still signs in


def test_unknown_addresses_are_throttled_like_known_ones(database, demo_keys):
    with _app(database, sign_in_max_failures=2) as http:
        answers = [sign_in(http, "ghost@nowhere.example", "whatever-1").status_code for _ in "abc"]
    assert answers == [401, 401, 429]


def test_failed_sign_ins_throttle_the_client_address(database, demo_keys):
    with _app(database, sign_in_max_failures_per_address=4) as http:
        answers = [
            sign_in(http, f"guess{n}@northwind.example", "wrong-password").status_code
            for n in range(4)
        ]
        throttled = sign_in(http, *STAFF)
    assert answers == [401] * 4
    assert throttled.status_code == 429


def test_throttling_is_shared_by_every_process(database, demo_keys):
    # given: two apps (two API processes) on one database
    with (
        _app(database, sign_in_max_failures=2) as first,
        _app(database, sign_in_max_failures=2) as second,
    ):
        sign_in(first, STAFF[0], "wrong-password")
        sign_in(second, STAFF[0], "wrong-password")
        # then
        assert sign_in(first, *STAFF).status_code == 429


def _session_row(database, browser: Browser):
    """The browser's session row, found the way sign-in finds it (by its cookie's hash)."""
    hashed = token_hash(browser.session)
    with database.session() as lookup:
        return lookup_one(
            lookup, "session_hash", hashed,
            select(UserSession).where(UserSession.token_hash == hashed),
        )  # fmt: skip


def _age(database, browser: Browser, **changes) -> None:
    """Move a session's times into the past, as the application role bound to its tenant."""
    row = _session_row(database, browser)
    with database.session(row.provider_id) as session:
        session.execute(
            update(UserSession)
            .where(UserSession.provider_id == row.provider_id, UserSession.id == row.id)
            .values(**changes)
        )
        session.commit()


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param(lambda now: {"last_seen_at": now - timedelta(minutes=121)}, id="idle"),
        pytest.param(lambda now: {"expires_at": now - timedelta(seconds=1)}, id="absolute"),
    ],
)
def test_a_session_expires(app, database, demo_keys, changes):
    # given
    browser = signed_in(app, STAFF)
    assert graphql(app, browser, VIEWER).json()["data"]["viewer"]["user"] is not None
    # when
    _age(database, browser, **changes(utcnow()))
    # then
    answer = graphql(app, browser, VIEWER).json()
    assert answer["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED"


def test_activity_keeps_a_session_alive(app, database, demo_keys):
    # given: a session last used an hour ago (the idle limit is two hours)
    browser = signed_in(app, STAFF)
    an_hour_ago = utcnow() - timedelta(minutes=60)
    _age(database, browser, last_seen_at=an_hour_ago)
    # when
    assert graphql(app, browser, VIEWER).json()["data"]["viewer"]["user"] is not None
    # then: the use moved its idle clock on
    assert _session_row(database, browser).last_seen_at > an_hour_ago + timedelta(minutes=59)


def test_an_empty_bearer_placeholder_leaves_the_cookie_in_charge(app, demo_keys):
    # given: GraphiQL's headers editor still holding its "Bearer " placeholder
    browser = signed_in(app, STAFF)
    headers = {**browser.headers(), "Authorization": "Bearer "}
    # when
    answer = app.post("/graphql", json={"query": VIEWER}, headers=headers)
    without_csrf = app.post(
        "/graphql",
        json={"query": VIEWER},
        headers={**browser.headers(csrf=None), "Authorization": "Bearer "},
    )
    # then
    assert answer.json()["data"]["viewer"]["user"]["email"] == STAFF[0]
    assert refused(without_csrf)
