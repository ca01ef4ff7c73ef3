"""Suppliers reporting what they can ship: a list of (product, available), or a CSV of it.

The CSV is text with a header row naming `supplier_sku` and `available` (other columns
are ignored), at most MAX_ROWS rows. Every row is checked before anything is written:
one bad row refuses the whole report, naming the row (`csv.<row number>.<column>`).
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import DomainError, DomainErrorCode
from domain.suppliers import stock
from domain.suppliers.catalog import live_supplier
from domain.suppliers.models import SupplierProduct
from tenants.errors import NotFoundError
from tenants.unit_of_work import TenantUnitOfWork

MAX_ROWS = 5_000
MAX_CSV_CHARS = 1_000_000


@dataclass(frozen=True)
class StockReport:
    """One reported quantity: of a product by id, or by the supplier's own SKU."""

    available: int
    field: str
    """Where the report came from, for errors: `lines.0`, `csv.2`."""
    product_id: uuid.UUID | None = None
    supplier_sku: str | None = None


def report_stock(
    uow: TenantUnitOfWork, supplier_id: uuid.UUID | None, reports: Sequence[StockReport]
) -> list[uuid.UUID]:
    """Set the available quantity of each reported product; the changed links' ids.

    A supplier key reports for itself; a provider names the supplier. A product the
    supplier is not linked to (or only through an inactive link) is NOT_FOUND on its row.
    """
    resolved = _resolve(uow, supplier_id, reports)
    for link, report in sorted(resolved, key=lambda pair: pair[0].product_id):
        stock.report_available(uow, link, report.available, f"{report.field}.available")
    return [link.id for link, _ in resolved]


def reported_products(
    uow: TenantUnitOfWork, supplier_id: uuid.UUID | None, reports: Sequence[StockReport]
) -> list[uuid.UUID]:
    """The products a report names, checked as `report_stock` checks them; writes nothing."""
    return sorted({link.product_id for link, _ in _resolve(uow, supplier_id, reports)})


def _resolve(
    uow: TenantUnitOfWork, supplier_id: uuid.UUID | None, reports: Sequence[StockReport]
) -> list[tuple[SupplierProduct, StockReport]]:
    supplier = _reporting_supplier(uow, supplier_id)
    if not reports:
        raise DomainError(DomainErrorCode.REQUIRED, "Report at least one product.", "lines")
    links = _links(uow, supplier)
    seen: set[uuid.UUID] = set()
    resolved: list[tuple[SupplierProduct, StockReport]] = []
    for report in reports:
        link = _find(links, report)
        if link.id in seen:
            raise DomainError(
                DomainErrorCode.DUPLICATE, "The product is reported twice.", report.field
            )
        seen.add(link.id)
        stock.check_available(report.available, f"{report.field}.available")
        resolved.append((link, report))
    return resolved


def parse_csv(text: str) -> list[StockReport]:
    """The rows of a stock CSV as reports; a malformed file or row is refused with its place."""
    if len(text) > MAX_CSV_CHARS:
        raise DomainError(
            DomainErrorCode.OUT_OF_RANGE, f"csv must be at most {MAX_CSV_CHARS} characters.", "csv"
        )
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = {name.strip().lower() for name in reader.fieldnames or ()}
    if not {"supplier_sku", "available"} <= columns:
        raise DomainError(
            DomainErrorCode.INVALID,
            "The first row must name the columns supplier_sku and available.",
            "csv",
        )
    reports = []
    for number, row in enumerate(reader, start=1):
        if number > MAX_ROWS:
            raise DomainError(
                DomainErrorCode.OUT_OF_RANGE, f"At most {MAX_ROWS} rows per upload.", "csv"
            )
        values = {(key or "").strip().lower(): (value or "").strip() for key, value in row.items()}
        field = f"csv.{number}"
        reports.append(
            StockReport(
                available=_whole_number(values.get("available", ""), f"{field}.available"),
                field=field,
                supplier_sku=values.get("supplier_sku") or None,
            )
        )
    return reports


def _whole_number(text: str, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise DomainError(
            DomainErrorCode.INVALID, f"{field} must be a whole number, not {text[:20]!r}.", field
        ) from None


def _reporting_supplier(uow: TenantUnitOfWork, supplier_id: uuid.UUID | None) -> uuid.UUID:
    if uow.scope.supplier_id is not None:
        if supplier_id not in (None, uow.scope.supplier_id):
            raise NotFoundError("supplier", "supplierId")
        supplier_id = uow.scope.supplier_id
    elif not uow.scope.is_provider:
        raise DomainError(DomainErrorCode.FORBIDDEN, "Only suppliers and the provider report.")
    if supplier_id is None:
        raise DomainError(DomainErrorCode.REQUIRED, "Name the supplier.", "supplierId")
    return live_supplier(uow, supplier_id).id


def _links(uow: TenantUnitOfWork, supplier_id: uuid.UUID) -> list[SupplierProduct]:
    return list(
        uow.scalars(
            uow.select(SupplierProduct).where(
                SupplierProduct.supplier_id == supplier_id, SupplierProduct.active.is_(True)
            )
        )
    )


def _find(links: list[SupplierProduct], report: StockReport) -> SupplierProduct:
    if report.product_id is not None:
        matches = [link for link in links if link.product_id == report.product_id]
        field = f"{report.field}.productId"
    elif report.supplier_sku:
        matches = [link for link in links if link.supplier_sku == report.supplier_sku]
        field = f"{report.field}.supplierSku"
    else:
        raise DomainError(
            DomainErrorCode.REQUIRED, "Give productId or supplierSku.", f"{report.field}"
        )
    if len(matches) != 1:
        # none, or one SKU the supplier uses for two products: either way not one product
        raise NotFoundError("product of this supplier", field)
    return matches[0]
