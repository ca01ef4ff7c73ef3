"""A month billed end to end: totals equal the hand computation; replays and reruns change nothing."""

from __future__ import annotations

from domain.billing.invoice_models import Invoice, InvoiceLine
from domain.billing.models import Charge
from domain.billing.money import from_minor
from domain.billing.periods import Period
from services.billing import bill_period
from tests.billing_factories import Books, open_books, utc
from tests.domain.billing.month import (
    A_LINES,
    A_SUBTOTAL,
    A_TOP_UP,
    A_TOTAL,
    B_LINES,
    B_SUBTOTAL,
    B_TAX,
    B_TOTAL,
    live_the_month,
    set_up_cards,
)

MARCH = Period.parse("2026-03")
AFTER_MARCH = utc(2026, 4, 2, 6)


def lines_of(books: Books, invoice: Invoice) -> dict:
    with books.unit() as uow:
        lines = uow.session.scalars(
            books.scope.select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
        )
        return {line.charge_type: from_minor(line.amount_minor, "USD") for line in lines}


def money(minor: int):
    return from_minor(minor, "USD")


def bill_march(books: Books) -> None:
    bill_period(books.unit, MARCH, now=AFTER_MARCH)


def test_a_month_for_two_clients_equals_the_hand_computation(database):
    # given
    books = open_books(database)
    set_up_cards(books)
    live_the_month(books)
    # when
    books.process_events()
    bill_march(books)
    # then
    invoices = books.invoices()
    a, b = invoices["A 2026-03"], invoices["B 2026-03"]
    assert lines_of(books, a) == {**A_LINES, "minimum_top_up": A_TOP_UP}
    assert (money(a.subtotal_minor), money(a.minimum_top_up_minor)) == (A_SUBTOTAL, A_TOP_UP)
    assert money(a.total_minor) == A_TOTAL
    assert lines_of(books, b) == B_LINES
    assert (money(b.subtotal_minor), money(b.tax_minor)) == (B_SUBTOTAL, B_TAX)
    assert money(b.total_minor) == B_TOTAL
    assert set(invoices) == {"A 2026-03", "B 2026-03"}


def test_replaying_every_event_twice_and_rerunning_the_period_changes_nothing(database):
    # given
    books = open_books(database)
    set_up_cards(books)
    live_the_month(books)
    books.process_events()
    bill_march(books)
    before = {key: (i.id, i.total_minor) for key, i in books.invoices().items()}
    charges_before = books.count(Charge)
    # when
    replayed = books.process_events() + books.process_events()
    bill_march(books)
    bill_march(books)
    # then
    assert replayed == 0
    assert books.count(Charge) == charges_before
    assert books.count(Invoice) == 2
    assert {key: (i.id, i.total_minor) for key, i in books.invoices().items()} == before


def test_a_charge_arriving_after_issue_goes_to_the_next_invoice(database):
    # given
    from domain.billing.invoicing import issue_invoice

    books = open_books(database)
    set_up_cards(books)
    live_the_month(books)
    books.process_events()
    bill_march(books)
    a = books.invoices()["A 2026-03"]
    with books.unit() as uow:
        issue_invoice(uow, a.id)
        uow.commit()
    # when: a late March shipment event, then both periods run
    books.shipped("A", utc(2026, 3, 30, 12), "order-late", units=1)
    books.process_events()
    bill_march(books)
    bill_period(books.unit, Period.parse("2026-04"), now=utc(2026, 5, 2, 6))
    # then
    invoices = books.invoices()
    assert invoices["A 2026-03"].total_minor == a.total_minor
    april = lines_of(books, invoices["A 2026-04"])
    # order-6 (2 units) and the late order-late (1 unit), both at the default card
    assert april["pick_order"] == from_minor(300, "USD")
    assert april["pick_additional_unit"] == from_minor(30, "USD")
