"""A billable act without a rate card is not billed, and says so loudly enough to be seen."""

from __future__ import annotations

import logging

from domain.billing.models import Charge
from tests.billing_factories import open_books, utc


def test_an_act_without_a_rate_card_warns_with_the_client_and_a_hint(database, caplog):
    # given: no rate card at all
    books = open_books(database)
    event_id = books.shipped("A", utc(2026, 3, 2, 10), "order-1", units=2)
    # when
    with caplog.at_level(logging.WARNING, logger="crossdock.billing"):
        added = books.process_events()
    # then
    assert added == 0
    assert books.count(Charge) == 0
    [warning] = [r for r in caplog.records if r.name == "crossdock.billing"]
    assert warning.levelno == logging.WARNING
    message = warning.getMessage()
    assert str(books.client_id("A")) in message
    assert str(event_id) in message
    assert "createRateCard" in message


def test_an_act_with_a_rate_card_is_billed_without_a_warning(database, caplog):
    # given
    books = open_books(database)
    books.rate_card(None, utc(2026, 1, 1), pick_per_order="2.50")
    books.shipped("A", utc(2026, 3, 2, 10), "order-1", units=1)
    # when
    with caplog.at_level(logging.WARNING, logger="crossdock.billing"):
        added = books.process_events()
    # then
    assert added == 1
    assert [r for r in caplog.records if r.name == "crossdock.billing"] == []
