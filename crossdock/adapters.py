"""The composition root's wiring of I/O adapters into the interfaces the domain defines."""

from __future__ import annotations

from adapters.carriers.aggregator import connect_aggregator
from adapters.invoice_pdf import FpdfInvoiceRenderer
from adapters.webhooks import HttpWebhookTransport
from domain.billing.export import install_renderer
from domain.shipping.accounts import install_connector
from domain.shipping.models import CarrierKind
from domain.webhooks.delivery import install_transport


def install_adapters() -> None:
    """Install the HTTP carrier client, the webhook transport and the PDF renderer; idempotent."""
    install_connector(CarrierKind.AGGREGATOR, connect_aggregator)
    install_transport(HttpWebhookTransport)
    install_renderer(FpdfInvoiceRenderer())
