"""Checks on a new order: who it is for, its reference, address and lines."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace

from sqlalchemy import and_

from domain.addresses import Address
from domain.catalog.models import SKU_MAX, Product
from domain.errors import DomainError, DomainErrorCode, not_found
from domain.inventory.models import InventoryLevel
from domain.limits import check_quantity
from domain.orders.commands import CreateOrder, LineRequest
from domain.shipping.carriers.base import ServiceLevel
from tenants.errors import NotFoundError
from tenants.models import Client
from tenants.unit_of_work import TenantUnitOfWork
from tenants.validation import clean_text

MAX_LINES = 100
MAX_TAGS = 20
TAG_MAX = 40
REFERENCE_MAX = 64
SERVICE_LEVEL_MAX = 32
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_REQUIRED_ADDRESS = {"name": 200, "line1": 200, "city": 100, "postal_code": 20}
_OPTIONAL_ADDRESS = {"company": 200, "line2": 200, "region": 100, "phone": 40, "email": 200}
_CAMEL = {"postal_code": "postalCode"}


def clean_order(
    uow: TenantUnitOfWork, command: CreateOrder, *, confirm_client: bool = True
) -> CreateOrder:
    """The command normalised: client resolved, text stripped, lines checked.

    The catalog is not consulted here: a retry of an order created earlier must find that
    order even if one of its products has since been archived or had its SKU changed.
    Without `confirm_client` the client row is not read (the caller's product lookup,
    which finds nothing for a client that does not exist, stands in for it).
    """
    client_id = resolve_client(uow, command.client_id, read=confirm_client)
    return replace(
        command,
        client_id=client_id,
        external_reference=clean_text(
            command.external_reference, "externalReference", REFERENCE_MAX
        ),
        service_level=clean_service_level(command.service_level),
        ship_to=clean_ship_to(command.ship_to),
        lines=clean_lines(command.lines),
        tags=clean_tags(command.tags),
    )


def clean_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """The order's tags stripped, each at most TAG_MAX long, at most MAX_TAGS, no repeats."""
    if len(tags) > MAX_TAGS:
        raise DomainError(
            DomainErrorCode.OUT_OF_RANGE, f"An order may have at most {MAX_TAGS} tags.", "tags"
        )
    cleaned: list[str] = []
    for index, tag in enumerate(tags):
        text = clean_text(tag, f"tags.{index}", TAG_MAX)
        if text not in cleaned:
            cleaned.append(text)
    return tuple(cleaned)


def clean_service_level(value: str) -> ServiceLevel:
    """One of the service levels carriers are rated by; anything else is refused."""
    cleaned = clean_text(value, "serviceLevel", SERVICE_LEVEL_MAX).lower()
    try:
        return ServiceLevel(cleaned)
    except ValueError:
        known = ", ".join(level.value for level in ServiceLevel)
        raise DomainError(
            DomainErrorCode.INVALID, f"Unknown service level; use one of {known}.", "serviceLevel"
        ) from None


def resolve_client(
    uow: TenantUnitOfWork, client_id: uuid.UUID | None, *, read: bool = True
) -> uuid.UUID:
    """The client an order is for: a client key's own, or the one a provider names (with
    `read`, confirmed to exist)."""
    client_id = client_id or uow.scope.client_id
    if client_id is None:
        raise DomainError(DomainErrorCode.REQUIRED, "Name the client the order is for.", "clientId")
    if not uow.scope.can_act_for_client(client_id):
        raise not_found("client", "clientId")
    if read:
        uow.get_or_not_found(Client, client_id, "client", "clientId")
    return client_id


def clean_ship_to(ship_to: Address, field: str = "shipTo") -> Address:
    """The address stripped; required parts present, the country an ISO 3166-1 alpha-2 code.

    Errors name `<field>.<part>`: the input field the address was sent in."""
    values: dict[str, str | None] = {}
    for name, limit in _REQUIRED_ADDRESS.items():
        values[name] = clean_text(getattr(ship_to, name), _address_field(field, name), limit)
    for name, limit in _OPTIONAL_ADDRESS.items():
        text = clean_text(
            getattr(ship_to, name), _address_field(field, name), limit, required=False
        )
        values[name] = text or None
    country = (ship_to.country or "").strip().upper()
    if not country:
        raise DomainError(
            DomainErrorCode.REQUIRED, "country must not be blank.", f"{field}.country"
        )
    if not _COUNTRY.match(country):
        raise DomainError(
            DomainErrorCode.INVALID,
            "country must be a two-letter ISO 3166-1 code, e.g. DE.",
            f"{field}.country",
        )
    return Address(country=country, **values)  # type: ignore[arg-type]


def clean_lines(lines: tuple[LineRequest, ...]) -> tuple[LineRequest, ...]:
    """Lines with stripped SKUs; at least one, at most MAX_LINES, positive, no SKU twice."""
    if not lines:
        raise DomainError(DomainErrorCode.REQUIRED, "An order needs at least one line.", "lines")
    if len(lines) > MAX_LINES:
        raise DomainError(
            DomainErrorCode.TOO_MANY_LINES,
            f"An order may have at most {MAX_LINES} lines; this one has {len(lines)}.",
            "lines",
        )
    cleaned: list[LineRequest] = []
    seen: set[str] = set()
    for index, line in enumerate(lines):
        sku = clean_text(line.sku, f"lines.{index}.sku", SKU_MAX)
        if sku in seen:
            raise DomainError(
                DomainErrorCode.DUPLICATE,
                f"SKU {sku!r} is on an earlier line; send one line per SKU.",
                f"lines.{index}.sku",
            )
        seen.add(sku)
        if line.quantity <= 0:
            raise DomainError(
                DomainErrorCode.NOT_POSITIVE,
                "quantity must be at least 1.",
                f"lines.{index}.quantity",
            )
        check_quantity(line.quantity, f"lines.{index}.quantity")
        cleaned.append(LineRequest(sku=sku, quantity=line.quantity))
    return tuple(cleaned)


def products_of(
    uow: TenantUnitOfWork, client_id: uuid.UUID, lines: tuple[LineRequest, ...]
) -> list[Product]:
    """The client's active product of each line, in line order."""
    skus = [line.sku for line in lines]
    found = uow.scalars(
        uow.select(Product).where(Product.client_id == client_id, Product.sku.in_(skus))
    )
    return _in_line_order({product.sku: product for product in found}, skus)


def products_with_levels(
    uow: TenantUnitOfWork,
    client_id: uuid.UUID,
    lines: tuple[LineRequest, ...],
    warehouse_ids: list[uuid.UUID],
) -> tuple[list[Product], dict[tuple[uuid.UUID, uuid.UUID], InventoryLevel]]:
    """`products_of`, and their levels in these warehouses read (without a lock) by the
    same statement, by (product, warehouse)."""
    skus = [line.sku for line in lines]
    rows = uow.execute(
        uow.select(Product, Product, InventoryLevel)
        .outerjoin(
            InventoryLevel,
            and_(
                InventoryLevel.provider_id == Product.provider_id,
                InventoryLevel.client_id == Product.client_id,
                InventoryLevel.product_id == Product.id,
                InventoryLevel.warehouse_id.in_(warehouse_ids),
            ),
        )
        .where(Product.client_id == client_id, Product.sku.in_(skus))
    )
    found: dict[str, Product] = {}
    levels: dict[tuple[uuid.UUID, uuid.UUID], InventoryLevel] = {}
    for product, level in rows:
        found[product.sku] = product
        if level is not None:
            levels[(level.product_id, level.warehouse_id)] = level
    return _in_line_order(found, skus), levels


def _in_line_order(found: dict[str, Product], skus: list[str]) -> list[Product]:
    # The product of each SKU, or the first line's refusal: unknown, or archived.
    products = []
    for index, sku in enumerate(skus):
        product = found.get(sku)
        if product is None:
            raise NotFoundError("product", f"lines.{index}.sku", f"No product has SKU {sku!r}.")
        if product.archived_at is not None:
            raise DomainError(
                DomainErrorCode.ARCHIVED,
                f"Product {sku!r} is archived and cannot be ordered.",
                f"lines.{index}.sku",
            )
        products.append(product)
    return products


def _address_field(field: str, name: str) -> str:
    return f"{field}.{_CAMEL.get(name, name)}"
