"""Checks on a client's rules before they are saved: every refusal names its field path.

Sources must be the client's to use (a provider warehouse or the client's own merchant
location, live; a supplier linked to the client's products), SKUs the client's, and no
rule may contradict itself or sit unreachable behind one that matches every order.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import replace

from domain.catalog.models import Product, Warehouse, WarehouseKind
from domain.catalog.validation import clean_amount, clean_currency
from domain.errors import DomainError, DomainErrorCode, not_found
from domain.routing import suppliers
from domain.routing.conditions import normalise_postal
from domain.routing.rules import Conditions, Money, Rule, SourceKind, SourceRef, WhenShort
from domain.shipping.carriers.base import ServiceLevel
from tenants.models import Supplier
from tenants.unit_of_work import TenantUnitOfWork
from tenants.validation import clean_text

MAX_RULES = 100
MAX_VALUES = 200
"""Entries per condition list."""
NAME_MAX = 100
TAG_MAX = 40
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_REGION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


def clean_rules(
    uow: TenantUnitOfWork, client_id: uuid.UUID, rules: tuple[Rule, ...]
) -> tuple[Rule, ...]:
    """The rules normalised, or a DomainError at the first bad field (nothing is written)."""
    if len(rules) > MAX_RULES:
        raise DomainError(
            DomainErrorCode.OUT_OF_RANGE, f"At most {MAX_RULES} rules per client.", "rules"
        )
    cleaned = [_clean_rule(uow, client_id, rule, f"rules.{i}") for i, rule in enumerate(rules)]
    names: dict[str, int] = {}
    for index, rule in enumerate(cleaned):
        if rule.name in names:
            raise DomainError(
                DomainErrorCode.DUPLICATE,
                f"Rule {names[rule.name]} is already named {rule.name!r}.",
                f"rules.{index}.name",
            )
        names[rule.name] = index
    for index, rule in enumerate(cleaned):
        if rule.conditions.unconditional and index < len(cleaned) - 1:
            raise DomainError(
                DomainErrorCode.INVALID,
                f"Rule {rule.name!r} matches every order, so the rules after it are never "
                "reached; make it the last rule or give it conditions.",
                f"rules.{index + 1}",
            )
    return tuple(cleaned)


def _clean_rule(uow: TenantUnitOfWork, client_id: uuid.UUID, rule: Rule, path: str) -> Rule:
    name = clean_text(rule.name, f"{path}.name", NAME_MAX)
    if not rule.allow_split and not rule.prefer_complete:
        raise DomainError(
            DomainErrorCode.INVALID,
            "A rule that may not split ships complete or not at all: preferComplete must be "
            "true when allowSplit is false.",
            f"{path}.preferComplete",
        )
    if not rule.sources and rule.when_short is not WhenShort.SUPPLIER:
        raise DomainError(
            DomainErrorCode.REQUIRED,
            "Name at least one source, or send short units to suppliers (whenShort SUPPLIER).",
            f"{path}.sources",
        )
    conditions = _clean_conditions(uow, client_id, rule.conditions, f"{path}.conditions")
    sources = _clean_sources(uow, client_id, rule.sources, conditions, f"{path}.sources")
    return replace(rule, name=name, conditions=conditions, sources=sources)


def _clean_list(
    values: tuple[str, ...], path: str, clean: Callable[[str, str], str]
) -> tuple[str, ...]:
    if len(values) > MAX_VALUES:
        raise DomainError(DomainErrorCode.OUT_OF_RANGE, f"At most {MAX_VALUES} entries.", path)
    cleaned: list[str] = []
    for index, value in enumerate(values):
        item = clean(value, f"{path}.{index}")
        if item in cleaned:
            raise DomainError(
                DomainErrorCode.DUPLICATE, f"{item!r} is listed twice.", f"{path}.{index}"
            )
        cleaned.append(item)
    return tuple(cleaned)


def _pattern(pattern: re.Pattern[str], example: str) -> Callable[[str, str], str]:
    def clean(value: str, path: str) -> str:
        text = clean_text(value, path, 10).upper()
        if not pattern.match(text):
            raise DomainError(DomainErrorCode.INVALID, f"Not a valid code; e.g. {example}.", path)
        return text

    return clean


def _tag(value: str, path: str) -> str:
    return clean_text(value, path, TAG_MAX)


def _postal(value: str, path: str) -> str:
    text = clean_text(value, path, 20).upper()
    if not normalise_postal(text):
        raise DomainError(DomainErrorCode.INVALID, "A postal prefix needs a letter or digit.", path)
    return text


def _service_level(value: str, path: str) -> str:
    try:
        return ServiceLevel(value.strip().lower()).value
    except ValueError:
        raise DomainError(DomainErrorCode.INVALID, "Unknown service level.", path) from None


def _money(money: Money | None, path: str) -> Money | None:
    if money is None:
        return None
    return Money(
        clean_amount(money.amount, f"{path}.amount"),
        clean_currency(money.currency, f"{path}.currency"),
    )


def _clean_conditions(
    uow: TenantUnitOfWork, client_id: uuid.UUID, c: Conditions, path: str
) -> Conditions:
    skus = _clean_list(c.skus, f"{path}.skus", lambda v, p: clean_text(v, p, 64))
    _check_skus(uow, client_id, skus, f"{path}.skus")
    low = _money(c.min_order_value, f"{path}.minOrderValue")
    high = _money(c.max_order_value, f"{path}.maxOrderValue")
    if low and high:
        if low.currency != high.currency:
            raise DomainError(
                DomainErrorCode.INVALID,
                "The minimum and maximum order value need the same currency.",
                f"{path}.maxOrderValue.currency",
            )
        if low.amount > high.amount:
            raise DomainError(
                DomainErrorCode.INVALID,
                "The maximum order value is below the minimum: no order could match.",
                f"{path}.maxOrderValue.amount",
            )
    return Conditions(
        skus=skus,
        product_tags=_clean_list(c.product_tags, f"{path}.productTags", _tag),
        countries=_clean_list(c.countries, f"{path}.countries", _pattern(_COUNTRY, "DE")),
        regions=_clean_list(c.regions, f"{path}.regions", _pattern(_REGION, "US-CA")),
        postal_prefixes=_clean_list(c.postal_prefixes, f"{path}.postalPrefixes", _postal),
        service_levels=_clean_list(c.service_levels, f"{path}.serviceLevels", _service_level),
        order_tags=_clean_list(c.order_tags, f"{path}.orderTags", _tag),
        min_order_value=low,
        max_order_value=high,
    )


def _check_skus(
    uow: TenantUnitOfWork, client_id: uuid.UUID, skus: tuple[str, ...], path: str
) -> None:
    if not skus:
        return
    known = set(
        uow.scalars(
            uow.select(Product, Product.sku).where(
                Product.client_id == client_id, Product.sku.in_(skus)
            )
        )
    )
    for index, sku in enumerate(skus):
        if sku not in known:
            raise not_found("product", f"{path}.{index}")


def _clean_sources(
    uow: TenantUnitOfWork,
    client_id: uuid.UUID,
    sources: tuple[SourceRef, ...],
    conditions: Conditions,
    path: str,
) -> tuple[SourceRef, ...]:
    cleaned: list[SourceRef] = []
    for index, source in enumerate(sources):
        field = f"{path}.{index}"
        if source.is_supplier:
            ref = _supplier_source(uow, client_id, source.id, conditions, field)
        else:
            ref = _warehouse_source(uow, client_id, source.id, field)
        if ref in cleaned:
            raise DomainError(DomainErrorCode.DUPLICATE, "This source is listed twice.", field)
        cleaned.append(ref)
    return tuple(cleaned)


def _warehouse_source(
    uow: TenantUnitOfWork, client_id: uuid.UUID, warehouse_id: uuid.UUID, field: str
) -> SourceRef:
    warehouse = uow.get(Warehouse, warehouse_id)
    # Another client's merchant location answers like a warehouse that does not exist.
    if warehouse is None or warehouse.client_id not in (None, client_id):
        raise not_found("warehouse", f"{field}.warehouseId")
    if warehouse.archived_at is not None:
        raise DomainError(
            DomainErrorCode.ARCHIVED, "The warehouse is archived.", f"{field}.warehouseId"
        )
    kind = (
        SourceKind.MERCHANT_LOCATION
        if warehouse.kind is WarehouseKind.MERCHANT_LOCATION
        else SourceKind.WAREHOUSE
    )
    return SourceRef(kind, warehouse.id)


def _supplier_source(
    uow: TenantUnitOfWork,
    client_id: uuid.UUID,
    supplier_id: uuid.UUID,
    conditions: Conditions,
    field: str,
) -> SourceRef:
    if uow.get(Supplier, supplier_id) is None:
        raise not_found("supplier", f"{field}.supplierId")
    linked = suppliers.linked_skus(uow, client_id, supplier_id)
    if not linked:
        raise DomainError(
            DomainErrorCode.INVALID,
            "The supplier carries none of the client's products.",
            f"{field}.supplierId",
        )
    missing = [sku for sku in conditions.skus if sku not in linked]
    if missing and len(missing) == len(conditions.skus):
        raise DomainError(
            DomainErrorCode.INVALID,
            f"The supplier carries none of the rule's SKUs ({', '.join(missing)}).",
            f"{field}.supplierId",
        )
    return SourceRef(SourceKind.SUPPLIER, supplier_id)
