"""An invoice as CSV and as PDF: the same lines and totals the API shows."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from fpdf import FPDF

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


def _money(minor: int, currency: str) -> str:
    return f"{from_minor(minor, currency)}"


def _totals(invoice: Invoice) -> list[tuple[str, str, str]]:
    """(API field, printed label, amount) of each total, named and summed as the API does.

    The subtotal is the activity alone, as the API's `subtotal`; the top-up is its own row.
    """
    cur = invoice.currency
    tax_label = f"Tax {invoice.tax_rate_percent}%" if invoice.tax_rate_percent else "Tax"
    return [
        ("subtotal", "Subtotal", _money(invoice.subtotal_minor, cur)),
        ("minimumTopUp", LABELS["minimum_top_up"], _money(invoice.minimum_top_up_minor, cur)),
        ("tax", tax_label, _money(invoice.tax_minor, cur)),
        ("total", "Total", _money(invoice.total_minor, cur)),
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
                _money(line.amount_minor, invoice.currency),
            ]
        )
    writer.writerow([])
    for field, label, amount in _totals(invoice):
        writer.writerow([field, label, "", "", amount])
    return out.getvalue()


def invoice_pdf(document: InvoiceDocument) -> bytes:
    """The invoice as a one-page A4 PDF with issuer, client, period, lines and totals."""
    invoice = document.invoice
    pdf = FPDF(format="A4")
    pdf.set_title(f"Invoice {invoice.number}")
    pdf.set_creator("Crossdock")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, f"Invoice {invoice.number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for text in (
        f"From: {document.provider.name}",
        f"To: {document.client.name} ({document.client.code})",
        f"Period: {invoice.period_start.isoformat()} to {_last_day(invoice).isoformat()}",
        f"Status: {invoice.status.value}"
        + (f", issued {invoice.issued_at:%Y-%m-%d}" if invoice.issued_at else ""),
        f"Currency: {invoice.currency}",
    ):
        pdf.cell(0, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (90, 35, 20, 35)
    pdf.set_font("Helvetica", "B", 10)
    for width, head in zip(widths, ("Description", "Quantity", "Items", "Amount"), strict=True):
        pdf.cell(width, 7, head, border="B", align="L" if head == "Description" else "R")
    pdf.ln()
    pdf.set_font("Helvetica", size=10)
    for line in document.lines:
        values = (
            LABELS[line.charge_type.value],
            str(line.quantity),
            str(line.charges),
            _money(line.amount_minor, invoice.currency),
        )
        for width, value, align in zip(widths, values, "LRRR", strict=True):
            pdf.cell(width, 6, value, align=align)
        pdf.ln()
    pdf.ln(2)
    for field, label, amount in _totals(invoice):
        pdf.set_font("Helvetica", "B" if field == "total" else "", 10)
        pdf.cell(sum(widths[:3]), 6, label, align="R")
        pdf.cell(widths[3], 6, f"{amount} {invoice.currency}", align="R")
        pdf.ln()
    return bytes(pdf.output())


def _last_day(invoice: Invoice) -> date:
    return invoice.period_end - timedelta(days=1)


def _latin1(text: str) -> str:
    # The core PDF fonts cover Latin-1 only; anything else prints as "?" rather than failing.
    return text.encode("latin-1", "replace").decode("latin-1")
