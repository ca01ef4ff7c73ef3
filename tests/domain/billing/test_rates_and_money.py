"""Rate card versions by event time; exact money, half-even once per line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.billing.charges import ManualCharge, add_manual_charge
from domain.billing.models import ChargeType, RateCard
from domain.billing.money import exact, line_amount, round_money, to_minor
from domain.errors import DomainError, DomainErrorCode
from tests.billing_factories import open_books, utc
from tests.factories import count_rows


def test_a_mid_month_rate_change_bills_each_event_at_the_version_in_force(database):
    # given: the default card, and a new version from March 16th
    books = open_books(database)
    books.rate_card(None, utc(2026, 1, 1), pick_per_order="1.50")
    books.rate_card(None, utc(2026, 3, 16), pick_per_order="1.75")
    books.shipped("A", utc(2026, 3, 15, 23, 59), "before", units=1)
    books.shipped("A", utc(2026, 3, 16, 0, 0), "after", units=1)
    # when: delivered late, after the change
    books.process_events()
    # then
    billed = {c.source_id: (c.rate_card_version, c.amount_minor) for c in books.charges()}
    assert billed == {"before": (1, 150), "after": (2, 175)}


def test_a_client_card_overrides_the_default_from_its_effective_time(database):
    # given
    books = open_books(database)
    books.rate_card(None, utc(2026, 1, 1), pick_per_order="1.50")
    books.rate_card("A", utc(2026, 3, 10), pick_per_order="0.99")
    books.shipped("A", utc(2026, 3, 9), "default", units=1)
    books.shipped("A", utc(2026, 3, 11), "own", units=1)
    books.shipped("B", utc(2026, 3, 11), "other-client", units=1)
    # when
    books.process_events()
    # then
    assert {c.source_id: c.amount_minor for c in books.charges()} == {
        "default": 150,
        "own": 99,
        "other-client": 150,
    }


def test_versions_never_go_back_in_time(database):
    books = open_books(database)
    books.rate_card(None, utc(2026, 3, 1), pick_per_order="1")
    with pytest.raises(DomainError) as refused:
        books.rate_card(None, utc(2026, 2, 1), pick_per_order="2")
    assert refused.value.field == "effectiveFrom"


def test_money_never_passes_through_float():
    with pytest.raises(TypeError):
        exact(0.1)
    with pytest.raises(TypeError):
        line_amount(3, 0.1, "USD")  # type: ignore[arg-type]
    # 0.1 + 0.2 is exact, and so is a value float cannot hold
    assert exact("0.1") + exact("0.2") == Decimal("0.3")
    assert line_amount(3, Decimal("3333333333333.3333333"), "USD") == Decimal("10000000000000.00")


def test_rounding_is_half_even_to_the_minor_unit_once_per_line():
    assert round_money(Decimal("0.125"), "USD") == Decimal("0.12")
    assert round_money(Decimal("0.135"), "USD") == Decimal("0.14")
    assert round_money(Decimal("2.5"), "JPY") == Decimal("2")
    assert round_money(Decimal("1.0005"), "KWD") == Decimal("1.000")
    # 7 units at 0.0125: 0.0875 -> 0.09 once, not 7 x 0.01 (rounding each unit) = 0.07
    assert line_amount(7, Decimal("0.0125"), "USD") == Decimal("0.09")
    assert to_minor(Decimal("0.09"), "USD") == 9


def test_rates_and_amounts_come_back_exactly_from_the_database(database):
    # given: a rate with more digits than a float keeps
    books = open_books(database)
    rate = "1234567890.123456789"
    card_id = books.rate_card(None, utc(2026, 1, 1), pick_per_order=rate)
    books.shipped("A", utc(2026, 3, 2), "o", units=1)
    books.process_events()
    # when
    with books.unit() as uow:
        card = uow.session.get_one(RateCard, (books.tenant.provider_id, card_id))
        stored = card.pick_per_order
    charge = books.charges()[0]
    # then
    assert stored == Decimal(rate)
    assert isinstance(charge.unit_price, Decimal)
    assert charge.unit_price == Decimal(rate)
    assert charge.amount_minor == 123456789012


def test_manual_entries_need_a_reason_and_whole_cents(database):
    books = open_books(database)
    books.rate_card(None, utc(2026, 1, 1))
    client = books.client_id("A")
    with books.unit() as uow:
        with pytest.raises(DomainError) as no_reason:
            add_manual_charge(uow, ManualCharge(client, Decimal(5), " ", "x"))
        with pytest.raises(DomainError) as fraction:
            add_manual_charge(uow, ManualCharge(client, Decimal("5.001"), "r", "x"))
        twice = [
            add_manual_charge(
                uow,
                ManualCharge(
                    client,
                    Decimal("5"),
                    "r",
                    "x",
                    charge_type=ChargeType.SPECIAL_HANDLING,
                    reference="ref-1",
                ),
            ).id
            for _ in range(2)
        ]
    assert (no_reason.value.field, fraction.value.field) == ("reason", "amount")
    assert twice[0] == twice[1]


def _enter(books, client: str, amount: str, reason: str = "r", reference: str | None = None):
    """A manual charge entered and committed in its own unit of work."""
    entry = ManualCharge(books.client_id(client), Decimal(amount), reason, "x", reference=reference)
    with books.unit() as uow:
        charge = add_manual_charge(uow, entry)
        uow.commit()
        return charge.id


@pytest.mark.parametrize(
    ("amount", "reason", "field"),
    [("5", " ", "reason"), ("5.001", "r", "amount"), ("0", "r", "amount"), ("-3", "r", "amount")],
)
def test_refused_manual_entries_write_nothing(database, amount, reason, field):
    # given
    books = open_books(database)
    books.rate_card(None, utc(2026, 1, 1))
    # when
    with pytest.raises(DomainError) as refused:
        _enter(books, "A", amount, reason)
    # then
    assert refused.value.field == field
    assert count_rows(database, "charges") == 0


def test_a_reference_reused_for_another_client_is_a_conflict_not_the_first_charge(database):
    # given: a manual charge for A under reference "ref-1"
    books = open_books(database)
    books.rate_card(None, utc(2026, 1, 1))
    first = _enter(books, "A", "5", reference="ref-1")
    # when: the same reference is used for B, or for A with another amount
    with pytest.raises(DomainError) as for_b:
        _enter(books, "B", "5", reference="ref-1")
    with pytest.raises(DomainError) as other_amount:
        _enter(books, "A", "7", reference="ref-1")
    # then: a conflict, not A's charge handed back as B's; a true retry still gets the first
    assert for_b.value.code is DomainErrorCode.IDEMPOTENCY_CONFLICT
    assert other_amount.value.field == "reference"
    assert _enter(books, "A", "5", reference="ref-1") == first
    assert count_rows(database, "charges") == 1
