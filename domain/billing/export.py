"""An invoice as CSV and as PDF: the same lines and totals the API shows."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from domain.billing.invoice_models import Invoice, InvoiceLine
from domain.billing.money import from_minor
from domain.billing.queries import invoice_lines
from tenants.models import Client, Provider
from tenants.unit_of_work import TenantUnitOfWork

LABELS = {
    "receiving_unit": "Receiving, per unit",
    "receiving_receipt": "Receiving, per receipt",
    "receiving_asn": "Receiving, per inbound shipment",
    "storage_unit_day": "Storage, unit-days",
    "storage_volume_day": "Storage, cubic-metre-days",
    "pick_order": "Pick and pack, orders",
    "pick_additional_unit": "Pick and pack, additional units",
    "packaging": "Packaging materials",
    "shipping": "Shipping",
    "special_handling": "Special handling",
    "manual": "Other charges",
    "credit": "Credits",
    "minimum_top_up": "Monthly minimum top-up",
}


@dataclass(frozen=True)
class InvoiceDocument:
    """What an exported invoice shows."""

    invoice: Invoice
    lines: list[InvoiceLine]
    client: Client
    provider: Provider


def load_document(uow: TenantUnitOfWork, invoice_id: uuid.UUID) -> InvoiceDocument:
    """The invoice, its lines, its client and provider, as the caller may see them."""
    invoice = uow.get_or_not_found(Invoice, invoice_id, "invoice")
    lines = list(uow.scalars(invoice_lines(uow.scope, [invoice.id])))
    client = uow.session.get_one(Client, (invoice.provider_id, invoice.client_id))
    provider = uow.session.get_one(Provider, invoice.provider_id)
    return InvoiceDocument(invoice, lines, client, provider)


def money_text(minor: int, currency: str) -> str:
    return f"{from_minor(minor, currency)}"


def totals(invoice: Invoice) -> list[tuple[str, str, str]]:
    """(API field, printed label, amount) of each total, named and summed as the API does.

    The subtotal is the activity alone, as the API's `subtotal`; the top-up is its own row.
    """
    cur = invoice.currency
    tax_label = f"Tax {invoice.tax_rate_percent}%" if invoice.tax_rate_percent else "Tax"
    return [
        ("subtotal", "Subtotal", money_text(invoice.subtotal_minor, cur)),
        ("minimumTopUp", LABELS["minimum_top_up"], money_text(invoice.minimum_top_up_minor, cur)),
        ("tax", tax_label, money_text(invoice.tax_minor, cur)),
        ("total", "Total", money_text(invoice.total_minor, cur)),
    ]


def invoice_csv(document: InvoiceDocument) -> str:
    """The invoice as CSV: a header block, one row per line, then the totals."""
    invoice = document.invoice
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["invoice", invoice.number])
    writer.writerow(["client", document.client.code, document.client.name])
    writer.writerow(["period", invoice.period_start.isoformat(), invoice.period_end.isoformat()])
    writer.writerow(["status", invoice.status.value])
    writer.writerow(["currency", invoice.currency])
    writer.writerow([])
    writer.writerow(["charge_type", "description", "quantity", "charges", "amount"])
    for line in document.lines:
        writer.writerow(
            [
                line.charge_type.value,
                LABELS[line.charge_type.value],
                line.quantity,
                line.charges,
                money_text(line.amount_minor, invoice.currency),
            ]
        )
    writer.writerow([])
    for field, label, amount in totals(invoice):
        writer.writerow([field, label, "", "", amount])
    return out.getvalue()


class InvoiceRenderer(Protocol):
    """Lays an exported invoice out as a PDF (`adapters.invoice_pdf` does it with fpdf2)."""

    def render(self, document: InvoiceDocument) -> bytes:
        """The invoice as PDF bytes."""
        ...


_renderer: InvoiceRenderer | None = None


def install_renderer(renderer: InvoiceRenderer) -> None:
    """Render invoice PDFs with `renderer` (the composition root's call)."""
    global _renderer
    _renderer = renderer


def invoice_pdf(document: InvoiceDocument) -> bytes:
    """The invoice as a PDF, by the installed renderer."""
    if _renderer is None:
        raise RuntimeError("no invoice renderer installed (crossdock.adapters.install_adapters)")
    return _renderer.render(document)


def last_day(invoice: Invoice) -> date:
    return invoice.period_end - timedelta(days=1)
