"""Storage days caught up and never doubled; a billing run killed half-way is finished by a rerun."""

from __future__ import annotations

import pytest

from domain.billing.models import Charge, StorageSnapshot
from domain.billing.periods import Period, period_to_close
from services import billing as runs
from services.billing import bill_period, catch_up_storage
from tests.billing_factories import open_books, utc
from tests.domain.billing.month import A_TOTAL, B_TOTAL, live_the_month, set_up_cards
from tests.domain.billing.test_month import AFTER_MARCH, MARCH, money


class Killed(Exception):
    """The worker died here."""


def test_missed_storage_days_are_caught_up_once_in_the_warehouse_time_zone(database):
    # given: 10 units from 23:30 UTC on March 1st, which is March 2nd in Berlin
    books = open_books(database)
    books.rate_card(
        None, utc(2026, 1, 1), storage_per_unit_day="0.10", storage_per_cubic_metre_day="2.00"
    )
    books.stock("A", 10, utc(2026, 3, 1, 23, 30))
    # when: the worker was down until the 6th, then runs twice
    catch_up_storage(books.unit, now=utc(2026, 3, 6, 12))
    catch_up_storage(books.unit, now=utc(2026, 3, 6, 13))
    # then: Berlin days 2nd..5th, each billed per unit-day and per cubic-metre-day (0.01 m3 each)
    charges = books.charges()
    assert books.count(StorageSnapshot) == 4
    assert sorted({c.service_date.day for c in charges}) == [2, 3, 4, 5]
    assert sum(c.amount_minor for c in charges) == 4 * (100 + 20)


def test_a_run_killed_between_clients_is_finished_by_the_rerun(database):
    # given
    books = open_books(database)
    set_up_cards(books)
    live_the_month(books)
    books.process_events()

    def die(batch):
        raise Killed

    # when: the first client's invoice commits, then the worker dies
    with pytest.raises(Killed):
        bill_period(books.unit, MARCH, now=AFTER_MARCH, per_transaction=1, after_batch=die)
    half = books.invoices()
    bill_period(books.unit, MARCH, now=AFTER_MARCH)
    # then
    assert len(half) == 1
    totals = {key: money(i.total_minor) for key, i in books.invoices().items()}
    assert totals == {"A 2026-03": A_TOTAL, "B 2026-03": B_TOTAL}


def test_a_run_killed_in_the_storage_days_is_finished_by_the_rerun(database, monkeypatch):
    # given
    books = open_books(database)
    set_up_cards(books)
    live_the_month(books)
    books.process_events()
    real = runs.take_storage_day
    calls = {"n": 0}

    def dies_on_the_tenth_day(uow, key):
        calls["n"] += 1
        if calls["n"] == 10:
            raise Killed
        return real(uow, key)

    monkeypatch.setattr(runs, "take_storage_day", dies_on_the_tenth_day)
    with pytest.raises(Killed):
        bill_period(books.unit, MARCH, now=AFTER_MARCH)
    storage_after_crash = books.count(StorageSnapshot)
    monkeypatch.setattr(runs, "take_storage_day", real)
    # when
    bill_period(books.unit, MARCH, now=AFTER_MARCH)
    # then: 9 days survived the crash; 31 days of A and 22 of B, each once
    assert storage_after_crash == 9
    assert books.count(StorageSnapshot) == 31 + 22
    sources = [(c.charge_type, c.source_id) for c in books.charges()]
    assert len(sources) == len(set(sources))
    totals = {key: money(i.total_minor) for key, i in books.invoices().items()}
    assert totals == {"A 2026-03": A_TOTAL, "B 2026-03": B_TOTAL}


def test_the_previous_month_closes_a_day_after_it_ends():
    assert period_to_close(utc(2026, 4, 1, 23)) is None
    assert period_to_close(utc(2026, 4, 2, 0)) == Period.parse("2026-03")
    assert period_to_close(utc(2026, 1, 15)) == Period.parse("2025-12")


def test_charges_are_unique_on_their_source(database):
    books = open_books(database)
    books.rate_card(None, utc(2026, 1, 1), pick_per_order="1")
    books.shipped("A", utc(2026, 3, 2), "o-1", units=1)
    books.shipped("A", utc(2026, 3, 2), "o-1", units=1)  # the same order, announced twice
    books.process_events()
    assert books.count(Charge) == 1
