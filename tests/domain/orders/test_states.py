"""The order state machine: the fulfillment step table and the derived order status."""

from __future__ import annotations

import pytest

from domain.errors import DomainError, DomainErrorCode
from domain.orders.models import FulfillmentStatus as F
from domain.orders.models import OrderStatus as S
from domain.orders.states import FULFILLMENT_TRANSITIONS, check_step, derive_status


def status(ordered=2, allocated=2, fulfillment=(), held=False, cancelled=False) -> S:
    return derive_status(
        ordered=ordered,
        allocated=allocated,
        fulfillment=fulfillment,
        held=held,
        cancelled=cancelled,
    )


def test_the_happy_path_is_legal_step_by_step():
    for current, target in [
        (F.ALLOCATED, F.PICKING),
        (F.PICKING, F.PACKED),
        (F.PACKED, F.SHIPPED),
        (F.SHIPPED, F.DELIVERED),
    ]:
        check_step(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (F.ALLOCATED, F.PACKED),
        (F.ALLOCATED, F.SHIPPED),
        (F.SHIPPED, F.CANCELLED),
        (F.DELIVERED, F.PICKING),
        (F.CANCELLED, F.PICKING),
        (F.PICKING, F.PICKING),
    ],
)
def test_illegal_steps_are_refused_naming_the_current_state(current, target):
    with pytest.raises(DomainError) as refused:
        check_step(current, target)
    assert refused.value.code is DomainErrorCode.ILLEGAL_TRANSITION
    assert current.name in refused.value.message


def test_every_status_has_a_row_in_the_table():
    assert set(FULFILLMENT_TRANSITIONS) == set(F)


def test_allocation_sets_the_status_before_fulfilment_starts():
    assert status(fulfillment=[F.ALLOCATED]) is S.ALLOCATED
    assert status(allocated=1, fulfillment=[F.ALLOCATED]) is S.PARTIALLY_ALLOCATED
    assert status(allocated=0) is S.BACKORDERED


def test_holds_and_cancellation_win():
    assert status(fulfillment=[F.PICKING], held=True) is S.ON_HOLD
    assert status(fulfillment=[F.CANCELLED], held=True, cancelled=True) is S.CANCELLED


def test_any_started_fulfillment_order_makes_the_order_picking():
    assert status(fulfillment=[F.ALLOCATED, F.PICKING]) is S.PICKING
    assert status(fulfillment=[F.ALLOCATED, F.SHIPPED]) is S.PICKING
    assert status(fulfillment=[F.PACKED, F.PICKING]) is S.PICKING


def test_the_least_advanced_fulfillment_order_sets_the_pace():
    assert status(fulfillment=[F.PACKED, F.SHIPPED]) is S.PACKED
    assert status(fulfillment=[F.SHIPPED, F.DELIVERED]) is S.SHIPPED
    assert status(fulfillment=[F.DELIVERED, F.DELIVERED, F.CANCELLED]) is S.DELIVERED


def test_an_order_with_units_still_waiting_is_not_shipped():
    assert status(allocated=1, fulfillment=[F.SHIPPED]) is S.BACKORDERED
    assert status(allocated=1, fulfillment=[F.PACKED]) is S.PACKED
