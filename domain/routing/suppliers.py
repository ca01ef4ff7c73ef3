"""The seam between routing and the suppliers area: offers, links and assignment.

Until the supplier catalog exists no supplier offers anything, so rules cannot name one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence

from domain.orders.models import Order, OrderLine
from domain.routing.decision import Pick
from domain.routing.facts import StockKey
from domain.routing.rules import SourceRef
from tenants.unit_of_work import TenantUnitOfWork


def offers(
    uow: TenantUnitOfWork, client_id: uuid.UUID, product_ids: Iterable[uuid.UUID]
) -> tuple[dict[SourceRef, str], dict[StockKey, int]]:
    """The client's live suppliers of these products (source to code) and what each offers."""
    return {}, {}


def linked_skus(uow: TenantUnitOfWork, client_id: uuid.UUID, supplier_id: uuid.UUID) -> set[str]:
    """SKUs of the client's products the supplier is actively linked to."""
    return set()


def assign(
    uow: TenantUnitOfWork,
    order: Order,
    lines: Mapping[int, OrderLine],
    picks: Sequence[Pick],
) -> int:
    """Hand supplier picks to their suppliers; units reserved."""
    return 0
