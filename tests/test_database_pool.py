"""Each API process keeps enough database connections open for the requests in flight."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from crossdock.app import create_app
from crossdock.database import make_engine
from crossdock.settings import Settings
from tests.conftest import GraphQLClient
from tests.factories_orders import make_order_world

ORDERS = "{ orders(first: 5) { edges { node { id } } } }"


def test_the_pool_size_comes_from_the_environment_and_must_be_positive():
    assert Settings.from_env({}).database_pool_size == 20
    assert Settings.from_env({"CROSSDOCK_DATABASE_POOL_SIZE": "7"}).database_pool_size == 7
    with pytest.raises(ValueError, match="CROSSDOCK_DATABASE_POOL_SIZE"):
        Settings.from_env({"CROSSDOCK_DATABASE_POOL_SIZE": "0"})


def test_an_in_memory_sqlite_database_takes_the_sizes_without_a_queue_to_size():
    engine = make_engine("sqlite://", pool_size=3, max_overflow=3)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT 1").scalar() == 1
    engine.dispose()


def test_the_application_engine_keeps_the_configured_connections(database):
    settings = dataclasses.replace(database.settings(), database_pool_size=7)
    app = create_app(settings, background=False)
    pool = app.state.session_factory.kw["bind"].pool
    assert (pool.size(), pool._max_overflow) == (7, 7)  # type: ignore[attr-defined]


def test_bursts_of_requests_reuse_the_connections_they_opened(postgres_database):
    # given: the API keeping 8 connections, warmed by bursts of 6 requests at once
    world = make_order_world(postgres_database)
    key = world.tenant.clients["A"].key
    settings = dataclasses.replace(postgres_database.settings(), database_pool_size=8)
    app = create_app(settings, background=False)
    opened: list[object] = []
    event.listen(app.state.session_factory.kw["bind"], "connect", lambda *_: opened.append(1))
    with TestClient(app) as http, ThreadPoolExecutor(6) as pool:
        gql = GraphQLClient(http)

        def burst() -> None:
            answers = list(pool.map(lambda _: gql(ORDERS, key=key), range(32)))
            assert all("errors" not in answer for answer in answers), answers[0]

        burst()
        burst()
        warm = len(opened)
        # when: more bursts of as many requests
        for _ in range(3):
            burst()
    # then: they opened no connection of their own
    assert 0 < warm <= 8
    assert len(opened) == warm
