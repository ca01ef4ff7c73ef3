"""Sign-in's lookups before a tenant is known: each sees the one row it names, changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from crossdock.demo import seed_demo
from persistence.unit_of_work import UnitOfWork
from tenants.sessions import SessionPolicy, sign_in, token_hash
from tests.factories import make_tenant


@pytest.fixture
def people(postgres_database):
    """The demo's people (Northwind), another tenant beside them, and one live session."""
    with UnitOfWork(postgres_database.session_factory) as uow:
        seed_demo(uow)
        uow.commit()
    make_tenant(postgres_database, "Southwind", ("C",))
    with postgres_database.session() as session:
        return sign_in(
            session,
            "ops@northwind.example",
            "northwind-demo-staff",
            client_address="127.0.0.1",
            policy=SessionPolicy(),
        )


@pytest.mark.parametrize(
    ("lookup", "value", "table"),
    [
        ("user_email", lambda signed_in: "ops@northwind.example", "users"),
        ("session_hash", lambda signed_in: token_hash(signed_in.token), "user_sessions"),
    ],
)
def test_a_lookup_sees_one_row_and_cannot_change_it(
    postgres_database, people, lookup, value, table
):
    # given: a transaction that knows only the public value, as sign-in before verifying
    with postgres_database.session() as session:
        session.info[lookup] = value(people)
        # when
        seen = session.execute(text(f"SELECT * FROM {table}")).all()
        changed = session.execute(text(f"UPDATE {table} SET provider_id = provider_id")).rowcount
        deleted = session.execute(text(f"DELETE FROM {table}")).rowcount
        session.commit()
    # then
    assert len(seen) == 1
    assert (changed, deleted) == (0, 0)


def test_without_a_lookup_no_person_or_session_is_visible(postgres_database, people):
    with postgres_database.session() as session:
        assert session.execute(text("SELECT * FROM users")).all() == []
        assert session.execute(text("SELECT * FROM user_sessions")).all() == []
