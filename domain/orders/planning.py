"""Where to take an order's units from: pure arithmetic over available stock."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Need:
    """Units one order line still waits for."""

    line_id: uuid.UUID
    product_id: uuid.UUID
    quantity: int


@dataclass(frozen=True)
class Pick:
    """Reserve `quantity` of a line's product in a warehouse."""

    line_id: uuid.UUID
    product_id: uuid.UUID
    warehouse_id: uuid.UUID
    quantity: int


def plan(
    needs: Sequence[Need],
    available: Mapping[tuple[uuid.UUID, uuid.UUID], int],
    warehouses: Mapping[uuid.UUID, str],
) -> list[Pick]:
    """The reservations for `needs` from `available` (by (product, warehouse)).

    One warehouse that can ship everything wins (most units of these products on
    hand, then warehouse code); otherwise each line in turn takes from warehouses
    with the most of its product first (then by code). What is left is backordered.
    """
    needs = [need for need in needs if need.quantity > 0]
    whole = _single_warehouse(needs, available, warehouses)
    if whole is not None:
        return [Pick(n.line_id, n.product_id, whole, n.quantity) for n in needs]
    left = dict(available)
    picks: list[Pick] = []
    for need in needs:
        remaining = need.quantity
        for warehouse_id in sorted(
            warehouses, key=lambda w: (-left.get((need.product_id, w), 0), warehouses[w])
        ):
            take = min(remaining, left.get((need.product_id, warehouse_id), 0))
            if take <= 0:
                break
            picks.append(Pick(need.line_id, need.product_id, warehouse_id, take))
            left[(need.product_id, warehouse_id)] -= take
            remaining -= take
    return picks


def _single_warehouse(
    needs: Sequence[Need],
    available: Mapping[tuple[uuid.UUID, uuid.UUID], int],
    warehouses: Mapping[uuid.UUID, str],
) -> uuid.UUID | None:
    if not needs:
        return None
    wanted: dict[uuid.UUID, int] = {}
    for need in needs:
        wanted[need.product_id] = wanted.get(need.product_id, 0) + need.quantity
    able = [w for w in warehouses if all(available.get((p, w), 0) >= q for p, q in wanted.items())]
    if not able:
        return None
    return min(
        able,
        key=lambda w: (-sum(available.get((p, w), 0) for p in wanted), warehouses[w]),
    )
