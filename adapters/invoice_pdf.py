"""Invoices as PDF with fpdf2: one A4 page with issuer, client, period, lines and totals."""

from __future__ import annotations

from fpdf import FPDF

from domain.billing.export import LABELS, InvoiceDocument, last_day, money_text, totals


class FpdfInvoiceRenderer:
    """Renders an exported invoice with fpdf2's core fonts."""

    def render(self, document: InvoiceDocument) -> bytes:
        """The invoice as a one-page A4 PDF."""
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
            f"Period: {invoice.period_start.isoformat()} to {last_day(invoice).isoformat()}",
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
                money_text(line.amount_minor, invoice.currency),
            )
            for width, value, align in zip(widths, values, "LRRR", strict=True):
                pdf.cell(width, 6, value, align=align)
            pdf.ln()
        pdf.ln(2)
        for field, label, amount in totals(invoice):
            pdf.set_font("Helvetica", "B" if field == "total" else "", 10)
            pdf.cell(sum(widths[:3]), 6, label, align="R")
            pdf.cell(widths[3], 6, f"{amount} {invoice.currency}", align="R")
            pdf.ln()
        return bytes(pdf.output())


def _latin1(text: str) -> str:
    # The core PDF fonts cover Latin-1 only; anything else prints as "?" rather than failing.
    return text.encode("latin-1", "replace").decode("latin-1")
