"""Per-warehouse storage prices are as private as the rate card they belong to."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from domain.billing.models import WarehouseStorageRate
from domain.billing.rate_cards import NewRateCard, StorageRateOverride, create_rate_card
from tenants.unit_of_work import TenantUnitOfWork
from tests.catalog_factories import client_scope, make_warehouse
from tests.factories import make_tenant


def test_a_client_sees_only_its_own_cards_storage_prices(database):
    # given a provider default card and a card of client B, each with a warehouse override
    tenant = make_tenant(database)
    warehouse = make_warehouse(database, tenant)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        for client in (None, tenant.clients["B"].id):
            create_rate_card(
                uow,
                NewRateCard(
                    client_id=client,
                    effective_from=start,
                    currency="USD",
                    storage_overrides=(StorageRateOverride(warehouse, Decimal("0.05")),),
                ),
            )
        uow.commit()
    # when each client looks
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        seen_by_a = uow.session.scalars(client_scope(tenant, "A").select(WarehouseStorageRate))
        seen_by_b = uow.session.scalars(client_scope(tenant, "B").select(WarehouseStorageRate))
        # then
        assert list(seen_by_a) == []
        assert [rate.client_id for rate in seen_by_b] == [tenant.clients["B"].id]
