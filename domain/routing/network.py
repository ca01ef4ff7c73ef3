"""The network an order is routed over: live sources, their codes and what they hold.

Warehouse rows (the provider's and the client's own merchant locations) hold stock in
the inventory ledger; suppliers report theirs through the suppliers area.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import or_

from domain.catalog.models import Warehouse, WarehouseKind
from domain.inventory import ledger
from domain.inventory.models import InventoryLevel
from domain.routing import suppliers
from domain.routing.facts import Network, StockKey
from domain.routing.rules import SourceKind, SourceRef
from tenants.unit_of_work import TenantUnitOfWork

Levels = dict[ledger.LevelKey, InventoryLevel]


@dataclass(frozen=True)
class Place:
    """A live warehouse row as routing needs it."""

    id: uuid.UUID
    code: str
    client_id: uuid.UUID | None

    @property
    def source(self) -> SourceRef:
        """The row as a routing source."""
        kind = SourceKind.WAREHOUSE if self.client_id is None else SourceKind.MERCHANT_LOCATION
        return SourceRef(kind, self.id)


def live_places(uow: TenantUnitOfWork, client_ids: Iterable[uuid.UUID] | None) -> list[Place]:
    """Live provider warehouses and these clients' (None: every client's) live merchant
    locations, in one query."""
    stmt = uow.select(Warehouse, Warehouse.id, Warehouse.code, Warehouse.client_id).where(
        Warehouse.archived_at.is_(None)
    )
    if client_ids is not None:
        stmt = stmt.where(
            or_(
                Warehouse.kind == WarehouseKind.WAREHOUSE,
                Warehouse.client_id.in_(sorted(set(client_ids))),
            )
        )
    rows = uow.execute(stmt)
    return [Place(row.id, row.code, row.client_id) for row in rows]


def lock_levels(
    uow: TenantUnitOfWork, product_ids: Sequence[uuid.UUID], places: list[Place]
) -> Levels:
    """The levels of these products in these places, locked before anyone reads them."""
    if not places:
        return {}
    return ledger.lock_levels(uow, product_ids, [place.id for place in places])


def read_levels(
    uow: TenantUnitOfWork, product_ids: Sequence[uuid.UUID], places: list[Place]
) -> Levels:
    """The same levels, read without locking (a dry run changes nothing)."""
    if not places or not product_ids:
        return {}
    levels = uow.scalars(
        uow.select(InventoryLevel).where(
            InventoryLevel.product_id.in_(sorted(set(product_ids))),
            InventoryLevel.warehouse_id.in_([place.id for place in places]),
        )
    )
    return {(level.product_id, level.warehouse_id): level for level in levels}


def network_for(
    uow: TenantUnitOfWork,
    client_id: uuid.UUID,
    places: list[Place],
    levels: Mapping[ledger.LevelKey, InventoryLevel],
    product_ids: Iterable[uuid.UUID],
    *,
    with_suppliers: bool,
    lock: bool = True,
) -> Network:
    """The network one client's order is routed over, from places and levels read already."""
    own = [p for p in places if p.client_id in (None, client_id)]
    codes = {place.source: place.code for place in own}
    by_id = {place.id: place.source for place in own}
    available: dict[StockKey, int] = {
        (product_id, by_id[warehouse_id]): max(level.available, 0)
        for (product_id, warehouse_id), level in levels.items()
        if warehouse_id in by_id
    }
    supplier_codes: dict[SourceRef, str] = {}
    minimums: dict[StockKey, int] = {}
    if with_suppliers:
        supplier_codes, offered, minimums = suppliers.offers(uow, client_id, product_ids, lock=lock)
        codes.update(supplier_codes)
        available.update(offered)
    return Network(
        codes=codes,
        warehouses=tuple(p.source for p in own if p.client_id is None),
        suppliers=tuple(sorted(supplier_codes, key=lambda s: supplier_codes[s])),
        available=available,
        minimums=minimums,
    )


def without(network: Network, source: SourceRef) -> Network:
    """The network with one source left out (a supplier that has just refused)."""
    return Network(
        codes={ref: code for ref, code in network.codes.items() if ref != source},
        warehouses=tuple(ref for ref in network.warehouses if ref != source),
        suppliers=tuple(ref for ref in network.suppliers if ref != source),
        available={key: n for key, n in network.available.items() if key[1] != source},
        minimums=network.minimums,
    )
