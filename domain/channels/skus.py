"""Which product a channel line means: an explicit mapping first, else the exact SKU."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from domain.catalog.models import Product
from domain.channels.adapter import ChannelLine
from domain.channels.connections import find_connection
from domain.channels.models import ChannelConnection, ChannelSkuMapping
from domain.errors import DomainError, DomainErrorCode, not_found
from domain.orders.commands import LineRequest
from persistence.base import new_id, utcnow
from tenants.unit_of_work import TenantUnitOfWork
from tenants.validation import clean_text

CHANNEL_SKU_MAX = 128
VARIANT_PREFIX = "variant:"
"""How a line without a SKU is named: by its variant id, which a mapping may also name."""


@dataclass(frozen=True)
class Resolution:
    """The order lines in Crossdock SKUs (merged per product), and channel SKUs that map nowhere."""

    lines: tuple[LineRequest, ...]
    unmapped: tuple[str, ...]


def line_keys(line: ChannelLine) -> list[str]:
    """The names a mapping may give a channel line: its SKU, then its variant id."""
    keys = [line.sku] if line.sku else []
    if line.variant_id:
        keys.append(VARIANT_PREFIX + line.variant_id)
    return keys


def resolve_lines(
    uow: TenantUnitOfWork, connection: ChannelConnection, lines: Sequence[ChannelLine]
) -> Resolution:
    """Map each line to a product of the connection's client, in two statements."""
    keys = {key for line in lines for key in line_keys(line)}
    mapped = dict(
        uow.execute(
            uow.select(ChannelSkuMapping, ChannelSkuMapping.channel_sku, Product.sku)
            .join(
                Product,
                (Product.provider_id == ChannelSkuMapping.provider_id)
                & (Product.id == ChannelSkuMapping.product_id),
            )
            .where(
                ChannelSkuMapping.connection_id == connection.id,
                ChannelSkuMapping.channel_sku.in_(keys),
                Product.archived_at.is_(None),
            )
        ).all()
    )
    exact = set(
        uow.scalars(
            uow.select(Product, Product.sku).where(
                Product.client_id == connection.client_id,
                Product.sku.in_([line.sku for line in lines if line.sku]),
                Product.archived_at.is_(None),
            )
        )
    )
    quantities: dict[str, int] = {}
    unmapped: list[str] = []
    for line in lines:
        sku = next((mapped[key] for key in line_keys(line) if key in mapped), None)
        if sku is None and line.sku in exact:
            sku = line.sku
        if sku is None:
            name = (line_keys(line) or ["(no SKU)"])[0]
            if name not in unmapped:
                unmapped.append(name)
            continue
        quantities[sku] = quantities.get(sku, 0) + line.quantity
    requests = tuple(LineRequest(sku, quantity) for sku, quantity in quantities.items())
    return Resolution(requests, tuple(unmapped))


def set_mapping(
    uow: TenantUnitOfWork, connection_id: uuid.UUID, channel_sku: str, product_id: uuid.UUID
) -> ChannelSkuMapping:
    """Map a channel SKU (or ``variant:<id>``) of a connection to a product of its client."""
    connection = find_connection(uow, connection_id, "connectionId")
    channel_sku = clean_text(channel_sku, "channelSku", CHANNEL_SKU_MAX)
    product = uow.get(Product, product_id)
    if product is None or product.client_id != connection.client_id:
        # another client's product answers like one that does not exist
        raise not_found("product", "productId")
    mapping = uow.scalar(
        uow.select(ChannelSkuMapping)
        .where(
            ChannelSkuMapping.connection_id == connection.id,
            ChannelSkuMapping.channel_sku == channel_sku,
        )
        .with_for_update()
    )
    if mapping is None:
        mapping = ChannelSkuMapping(
            provider_id=connection.provider_id,
            id=new_id(),
            client_id=connection.client_id,
            connection_id=connection.id,
            channel_sku=channel_sku,
            product_id=product.id,
        )
        try:
            with uow.session.begin_nested():
                uow.add(mapping)
                uow.flush()
        except IntegrityError:
            raise DomainError(
                DomainErrorCode.CONFLICT, "The SKU was mapped at the same time.", "channelSku"
            ) from None
    else:
        mapping.product_id = product.id
        mapping.updated_at = utcnow()
    uow.flush()
    return mapping


def delete_mapping(uow: TenantUnitOfWork, mapping_id: uuid.UUID) -> ChannelSkuMapping:
    """Forget a mapping; the channel SKU falls back to the exact-SKU match."""
    mapping = uow.get_or_not_found(ChannelSkuMapping, mapping_id, "channel SKU mapping")
    uow.session.delete(mapping)
    uow.flush()
    return mapping
