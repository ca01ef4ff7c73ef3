"""Merchant locations: a client's own premises, kept as warehouse rows the client owns.

Their stock follows the same ledger as the provider's warehouses; routing rules may name
them, and the client fulfils what is routed there by hand.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError

from domain.catalog.models import Warehouse, WarehouseKind
from domain.catalog.service import WAREHOUSE_FIELDS, check_warehouse_code, clean_fields
from domain.clients import owning_client
from domain.errors import DomainError, DomainErrorCode
from persistence.base import new_id
from tenants.unit_of_work import TenantUnitOfWork


def create_merchant_location(
    uow: TenantUnitOfWork, client_id: uuid.UUID | None, fields: Mapping[str, Any]
) -> Warehouse:
    """A new location of a client (the caller's own, or one a provider names)."""
    client_id = owning_client(uow, client_id)
    values = clean_fields(WAREHOUSE_FIELDS, {name: fields.get(name) for name in WAREHOUSE_FIELDS})
    check_warehouse_code(uow, values["code"])
    location = Warehouse(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        kind=WarehouseKind.MERCHANT_LOCATION,
        client_id=client_id,
        **values,
    )
    try:
        # Another client's location may hold the code unseen by this caller.
        with uow.session.begin_nested():
            uow.add(location)
            uow.flush()
    except IntegrityError:
        raise DomainError(
            DomainErrorCode.DUPLICATE, f"The code {values['code']!r} is taken.", "code"
        ) from None
    return location
