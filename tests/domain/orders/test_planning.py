"""Where an order's units come from: one warehouse if possible, else greedy splits."""

from __future__ import annotations

from domain.orders.planning import Need, Pick, plan
from persistence.base import new_id

P1, P2 = new_id(), new_id()
L1, L2 = new_id(), new_id()
NORTH, SOUTH, EAST = new_id(), new_id(), new_id()
CODES = {NORTH: "NORTH", SOUTH: "SOUTH", EAST: "EAST"}


def test_one_warehouse_that_ships_everything_wins_over_a_split():
    # given: SOUTH has the most of P1, but only NORTH has both products
    available = {(P1, NORTH): 2, (P2, NORTH): 1, (P1, SOUTH): 50}
    # when
    picks = plan([Need(L1, P1, 2), Need(L2, P2, 1)], available, CODES)
    # then
    assert picks == [Pick(L1, P1, NORTH, 2), Pick(L2, P2, NORTH, 1)]


def test_among_complete_warehouses_most_total_available_wins():
    available = {(P1, NORTH): 3, (P1, SOUTH): 9, (P1, EAST): 5}
    assert plan([Need(L1, P1, 3)], available, CODES) == [Pick(L1, P1, SOUTH, 3)]


def test_equal_totals_fall_back_to_the_warehouse_code():
    available = {(P1, NORTH): 4, (P1, SOUTH): 4, (P1, EAST): 4}
    assert plan([Need(L1, P1, 1)], available, CODES) == [Pick(L1, P1, EAST, 1)]


def test_no_complete_warehouse_splits_by_most_available_first():
    available = {(P1, NORTH): 2, (P1, SOUTH): 3, (P1, EAST): 1}
    picks = plan([Need(L1, P1, 5)], available, CODES)
    assert picks == [Pick(L1, P1, SOUTH, 3), Pick(L1, P1, NORTH, 2)]


def test_what_no_warehouse_has_is_left_over():
    available = {(P1, NORTH): 2, (P2, SOUTH): 1}
    picks = plan([Need(L1, P1, 5), Need(L2, P2, 4)], available, CODES)
    assert picks == [Pick(L1, P1, NORTH, 2), Pick(L2, P2, SOUTH, 1)]


def test_nothing_available_plans_nothing():
    assert plan([Need(L1, P1, 1)], {}, CODES) == []
