"""Storage: on-hand units per client, product and warehouse at the end of each local day, billed.

A day is taken once (unique per product, warehouse and day) in one transaction with its
charges and its `StorageDay` mark, so a rerun after a crash resumes at the first day not marked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from domain.billing.charges import PricedAct, charge_rows, insert_charges
from domain.billing.models import ChargeType, SourceType, StorageDay, StorageSnapshot
from domain.billing.rate_cards import card_in_force, storage_rates
from domain.catalog.models import Product, Warehouse
from domain.inventory.models import InventoryLevel, InventoryMovement
from persistence.base import new_id
from tenants.unit_of_work import TenantUnitOfWork

MAX_CATCH_UP_DAYS = 62
"""Days one run takes per warehouse at most; the next run goes on where it stopped."""
CUBIC_MM_PER_CUBIC_METRE = Decimal(10**9)


@dataclass(frozen=True)
class StorageDayKey:
    """One local day of one warehouse to snapshot."""

    warehouse_id: uuid.UUID
    timezone: str
    day: date

    @property
    def starts_at(self) -> datetime:
        """The day's first instant, in UTC."""
        return datetime.combine(self.day, time(), ZoneInfo(self.timezone)).astimezone(UTC)

    @property
    def ends_at(self) -> datetime:
        """The next day's first instant, in UTC."""
        following = self.day + timedelta(days=1)
        return datetime.combine(following, time(), ZoneInfo(self.timezone)).astimezone(UTC)


def pending_storage_days(
    uow: TenantUnitOfWork, now: datetime, until: date | None = None
) -> list[StorageDayKey]:
    """Completed local days not yet taken, oldest first, per warehouse (missed days included)."""
    pending = []
    for warehouse in uow.scalars(uow.select(Warehouse).order_by(Warehouse.id)):
        zone = ZoneInfo(warehouse.timezone)
        last_complete = now.astimezone(zone).date() - timedelta(days=1)
        if until is not None:
            last_complete = min(last_complete, until)
        first = _first_day(uow, warehouse.id, zone)
        day = first
        while day is not None and day <= last_complete and day < first + _CAP:
            pending.append(StorageDayKey(warehouse.id, warehouse.timezone, day))
            day += timedelta(days=1)
    return pending


def take_storage_day(uow: TenantUnitOfWork, key: StorageDayKey) -> int:
    """Snapshot one warehouse-day and bill it; repeating it adds nothing. Charges added."""
    levels = _on_hand_at(uow, key.warehouse_id, key.ends_at)
    rows = [
        {
            "provider_id": uow.scope.provider_id,
            "id": new_id(),
            "client_id": client_id,
            "product_id": product_id,
            "warehouse_id": key.warehouse_id,
            "day": key.day,
            "on_hand": on_hand,
            "volume_cubic_metres": Decimal(on_hand * (volume_mm3 or 0)) / CUBIC_MM_PER_CUBIC_METRE,
        }
        for client_id, product_id, on_hand, volume_mm3 in levels
    ]
    if rows:
        uow.execute(
            _insert_new(
                uow.session, StorageSnapshot, ["provider_id", "product_id", "warehouse_id", "day"]
            ),
            rows,
        )
    added = _bill_snapshots(uow, key)
    uow.execute(
        _insert_new(uow.session, StorageDay, ["provider_id", "warehouse_id", "day"]),
        [
            {
                "provider_id": uow.scope.provider_id,
                "warehouse_id": key.warehouse_id,
                "day": key.day,
                "snapshots": len(rows),
            }
        ],
    )
    return added


_CAP = timedelta(days=MAX_CATCH_UP_DAYS)


def _first_day(uow: TenantUnitOfWork, warehouse_id: uuid.UUID, zone: ZoneInfo) -> date | None:
    last = uow.scalar(
        uow.select(StorageDay, func.max(StorageDay.day)).where(
            StorageDay.warehouse_id == warehouse_id
        )
    )
    if last is not None:
        return last + timedelta(days=1)
    first_movement = uow.scalar(
        uow.select(InventoryMovement, func.min(InventoryMovement.created_at)).where(
            InventoryMovement.warehouse_id == warehouse_id
        )
    )
    if first_movement is None:
        return None
    if first_movement.tzinfo is None:  # an aggregate skips the column type on SQLite
        first_movement = datetime.fromisoformat(str(first_movement)).replace(tzinfo=UTC)
    return first_movement.astimezone(zone).date()


def _on_hand_at(uow: TenantUnitOfWork, warehouse_id: uuid.UUID, at: datetime) -> list[Any]:
    """(client, product, on hand at `at`, product volume in mm3) per stocked product: SQL sums."""
    later = func.coalesce(func.sum(InventoryMovement.on_hand_delta), 0)
    on_hand = InventoryLevel.on_hand - later
    volume = Product.length_mm * Product.width_mm * Product.height_mm
    stmt = (
        uow.select(
            InventoryLevel, InventoryLevel.client_id, InventoryLevel.product_id, on_hand, volume
        )
        .join(
            Product,
            and_(
                Product.provider_id == InventoryLevel.provider_id,
                Product.id == InventoryLevel.product_id,
            ),
        )
        .outerjoin(
            InventoryMovement,
            and_(
                InventoryMovement.provider_id == InventoryLevel.provider_id,
                InventoryMovement.product_id == InventoryLevel.product_id,
                InventoryMovement.warehouse_id == InventoryLevel.warehouse_id,
                InventoryMovement.created_at >= at,
            ),
        )
        .where(InventoryLevel.warehouse_id == warehouse_id)
        .group_by(
            InventoryLevel.client_id,
            InventoryLevel.product_id,
            InventoryLevel.on_hand,
            Product.length_mm,
            Product.width_mm,
            Product.height_mm,
        )
        .having(on_hand > 0)
    )
    return list(uow.execute(stmt))


def _bill_snapshots(uow: TenantUnitOfWork, key: StorageDayKey) -> int:
    snapshots = uow.scalars(
        uow.select(StorageSnapshot).where(
            StorageSnapshot.warehouse_id == key.warehouse_id, StorageSnapshot.day == key.day
        )
    )
    by_client: dict[uuid.UUID, list[StorageSnapshot]] = {}
    for snapshot in snapshots:
        by_client.setdefault(snapshot.client_id, []).append(snapshot)
    added = 0
    for client_id, items in by_client.items():
        card = card_in_force(uow, client_id, key.starts_at)
        if card is None:
            continue
        per_unit, per_volume = storage_rates(uow, card, key.warehouse_id)
        acts = [act for snap in items for act in _storage_acts(snap, key, per_unit, per_volume)]
        added += insert_charges(uow, charge_rows(uow.scope, card, acts))
    return added


def _storage_acts(
    snapshot: StorageSnapshot, key: StorageDayKey, per_unit: Any, per_volume: Any
) -> list[PricedAct]:
    common = {
        "client_id": snapshot.client_id,
        "source_type": SourceType.STORAGE_SNAPSHOT,
        "source_id": str(snapshot.id),
        "occurred_at": key.starts_at,
        "service_date": key.day,
        "warehouse_id": key.warehouse_id,
    }
    acts = []
    if per_unit is not None:
        acts.append(
            PricedAct(
                charge_type=ChargeType.STORAGE_UNIT_DAY,
                unit_price=per_unit,
                quantity=Decimal(snapshot.on_hand),
                description=f"Storage {key.day}, per unit-day",
                **common,
            )
        )
    if per_volume is not None and snapshot.volume_cubic_metres:
        acts.append(
            PricedAct(
                charge_type=ChargeType.STORAGE_VOLUME_DAY,
                unit_price=per_volume,
                quantity=snapshot.volume_cubic_metres,
                description=f"Storage {key.day}, per cubic-metre-day",
                **common,
            )
        )
    return acts


def _insert_new(session: Session, model: type[Any], unique: list[str]) -> Any:
    module: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(model.__table__).on_conflict_do_nothing(index_elements=unique)
