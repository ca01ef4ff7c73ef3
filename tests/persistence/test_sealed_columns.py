"""Secret columns hold ciphertext in the database and plain values in the application."""

from __future__ import annotations

from sqlalchemy import text

from crossdock.database import make_engine
from domain.shipping.accounts import AccountChanges, create_carrier_account
from domain.shipping.models import CarrierKind
from domain.webhooks.endpoints import create_endpoint
from domain.webhooks.models import WebhookEndpoint
from persistence.unit_of_work import UnitOfWork
from tenants.unit_of_work import TenantUnitOfWork
from tests.factories import make_tenant


def raw_values(db, sql: str) -> list[str]:
    """Column values as stored, read as the owner without the sealed type."""
    engine = make_engine(db.admin_url)
    try:
        with engine.connect() as connection:
            return [value for (value,) in connection.execute(text(sql))]
    finally:
        engine.dispose()


def test_webhook_secrets_and_carrier_credentials_are_stored_sealed(database, secret_box):
    # given
    tenant = make_tenant(database)
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        created = create_endpoint(uow, url="https://hooks.example.com/x", topics=["order.created"])
        create_carrier_account(
            uow,
            tenant.clients["A"].id,
            CarrierKind.AGGREGATOR,
            AccountChanges(name="agg", base_url="https://carrier.example.com", api_key="sk_1"),
        )
        uow.commit()
    # when
    stored = raw_values(database, "SELECT secret FROM webhook_endpoints")
    stored += raw_values(database, "SELECT api_key FROM carrier_accounts")
    stored += raw_values(database, "SELECT webhook_secret FROM carrier_accounts")
    # then
    assert all(value.startswith(secret_box.current_prefix) for value in stored)
    assert created.secret not in "".join(stored)
    assert "sk_1" not in "".join(stored)
    with UnitOfWork(database.session_factory, tenant.provider_id) as uow:
        endpoint = uow.session.get(WebhookEndpoint, (tenant.provider_id, created.endpoint.id))
        assert endpoint.secret == created.secret
