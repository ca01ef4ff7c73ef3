"""Drafts of many clients written together: same statements for 2 clients or 12, lines kept true."""

from __future__ import annotations

import uuid
from decimal import Decimal

from domain.billing.charges import ManualCharge, add_manual_charge
from domain.billing.invoice_models import Invoice
from domain.billing.models import ChargeType
from tenants import service
from tests.billing_factories import Books, open_books, utc
from tests.domain.billing.month import A_LINES, A_SUBTOTAL, live_the_month, set_up_cards
from tests.domain.billing.test_month import bill_march, lines_of, money
from tests.sql_statements import every_statement, verbs


def charge(books: Books, client_id: uuid.UUID, amount: str, reference: str) -> None:
    entry = ManualCharge(
        client_id,
        Decimal(amount),
        "kits assembled",
        "Kitting",
        charge_type=ChargeType.SPECIAL_HANDLING,
        reference=reference,
        occurred_at=utc(2026, 3, 18),
    )
    with books.unit() as uow:
        add_manual_charge(uow, entry)
        uow.commit()


def test_a_rerun_drops_the_top_up_line_once_the_month_passes_the_minimum(database):
    # given: A's March drafted below its 150.00 minimum, so with a top-up line
    books = open_books(database)
    set_up_cards(books)
    live_the_month(books)
    books.process_events()
    bill_march(books)
    assert "minimum_top_up" in lines_of(books, books.invoices()["A 2026-03"])
    # when: 60.00 more of March, and the month runs again
    charge(books, books.client_id("A"), "60.00", "kit-a")
    bill_march(books)
    # then
    invoice = books.invoices()["A 2026-03"]
    assert lines_of(books, invoice) == {**A_LINES, ChargeType.SPECIAL_HANDLING: Decimal("60.00")}
    assert money(invoice.minimum_top_up_minor) == 0
    assert money(invoice.total_minor) == A_SUBTOTAL + Decimal("60.00")


def refresh_statements(books: Books) -> list[str]:
    with every_statement(books.db.engine) as statements:
        bill_march(books)
    return statements


def test_refreshing_twelve_clients_costs_the_statements_of_two(database):
    # given: A and B drafted, then ten more clients with a March charge each, drafted too
    books = open_books(database)
    set_up_cards(books)
    live_the_month(books)
    books.process_events()
    bill_march(books)
    two = refresh_statements(books)
    with books.unit() as uow:
        more = [service.create_client(uow, f"M{n}", f"More {n}").id for n in range(10)]
        uow.commit()
    for n, client_id in enumerate(more):
        charge(books, client_id, "200.00", f"more-kit-{n}")
    bill_march(books)
    # when
    twelve = refresh_statements(books)
    # then
    assert verbs(twelve) == verbs(two)
    with books.unit() as uow:
        totals = dict(
            uow.execute(uow.select(Invoice, Invoice.client_id, Invoice.total_minor)).all()
        )
    assert len(totals) == 12
    assert {money(totals[client_id]) for client_id in more} == {Decimal("200.00")}


def test_a_run_drafts_none_of_another_providers_clients(database):
    # given: two providers, each with a month of activity
    ours, theirs = open_books(database), open_books(database, "Elsewhere")
    for books in (ours, theirs):
        set_up_cards(books)
        live_the_month(books)
        books.process_events()
    # when: only ours runs
    bill_march(ours)
    # then
    assert set(ours.invoices()) == {"A 2026-03", "B 2026-03"}
    assert theirs.invoices() == {}
