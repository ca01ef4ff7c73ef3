"""Charges carry their billing month from insert: invoicing sums a month, it updates no charge."""

from __future__ import annotations

from datetime import date

from domain.billing.invoicing import issue_invoice, void_invoice
from domain.billing.money import from_minor
from services.billing import bill_period
from tests.billing_factories import open_books, utc
from tests.domain.billing.month import A_SUBTOTAL, live_the_month, set_up_cards
from tests.domain.billing.test_month import AFTER_MARCH, MARCH, bill_march
from tests.sql_statements import every_statement

APRIL = date(2026, 4, 1)


def test_invoicing_a_month_is_one_aggregate_and_updates_no_charge(database):
    # given: March lived and accrued, every charge stamped with its month
    books = open_books(database)
    set_up_cards(books)
    live_the_month(books)
    books.process_events()
    assert {c.billing_period for c in books.charges()} == {MARCH.start, APRIL}
    # when: client A's March is invoiced
    with every_statement(database.engine) as statements:
        bill_period(books.unit, MARCH, now=AFTER_MARCH, client_ids=[books.client_id("A")])
    # then
    on_charges = [s for s in statements if "charges" in s.split("FROM", 1)[-1][:40]]
    assert not [s for s in statements if s.startswith("UPDATE charges")]
    assert len([s for s in on_charges if "GROUP BY" in s]) == 1
    assert len([s for s in statements if "INSERT INTO invoice_lines" in s]) == 1
    assert from_minor(books.invoices()["A 2026-03"].subtotal_minor, "USD") == A_SUBTOTAL


def test_a_charge_after_its_month_was_issued_is_stamped_with_the_next_open_month(database):
    # given: A's March issued
    books = open_books(database)
    set_up_cards(books)
    live_the_month(books)
    books.process_events()
    bill_march(books)
    with books.unit() as uow:
        issue_invoice(uow, books.invoices()["A 2026-03"].id)
        uow.commit()
    # when: a late March shipment of A, and one of B (whose March is still a draft)
    books.shipped("A", utc(2026, 3, 30, 12), "order-late-a", units=1)
    books.shipped("B", utc(2026, 3, 30, 12), "order-late-b", units=1)
    books.process_events()
    # then
    late = {c.source_id: c.billing_period for c in books.charges() if "late" in c.source_id}
    assert late == {"order-late-a": APRIL, "order-late-b": MARCH.start}


def test_voiding_an_invoice_moves_its_charges_to_the_first_open_month(database):
    # given: A's March drafted
    books = open_books(database)
    set_up_cards(books)
    live_the_month(books)
    books.process_events()
    bill_march(books)
    march = books.invoices()["A 2026-03"]
    a = books.client_id("A")
    in_march = [
        c.id for c in books.charges() if c.client_id == a and c.billing_period == MARCH.start
    ]
    # when
    with books.unit() as uow:
        void_invoice(uow, march.id, "wrong rate card")
        uow.commit()
    bill_period(books.unit, MARCH.next, now=utc(2026, 5, 2, 6), client_ids=[a])
    # then: the charges wait in April, and April's invoice bills them
    charges = [c for c in books.charges() if c.client_id == a]
    assert {c.billing_period for c in charges if c.id in in_march} == {APRIL}
    moved = sum(c.amount_minor for c in charges if c.id in in_march)
    assert from_minor(moved, "USD") == A_SUBTOTAL
    in_april = sum(c.amount_minor for c in charges if c.billing_period == APRIL)
    assert in_april > moved  # April's own acts too (order-6, April's storage days)
    assert books.invoices()["A 2026-04"].subtotal_minor == in_april
