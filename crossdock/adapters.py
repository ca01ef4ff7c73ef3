"""The composition root's wiring of I/O adapters into the interfaces the domain defines."""

from __future__ import annotations

from adapters.carriers.aggregator import connect_aggregator
from adapters.channels.shopify import connect_shopify
from adapters.channels.woocommerce import connect_woocommerce
from adapters.invoice_pdf import FpdfInvoiceRenderer
from adapters.webhooks import HttpWebhookTransport
from domain.billing.export import install_renderer
from domain.channels.connections import install_channel_connector
from domain.channels.models import ChannelKind
from domain.shipping.accounts import install_connector
from domain.shipping.models import CarrierKind
from domain.webhooks.delivery import install_transport


def install_adapters() -> None:
    """Install the carrier and channel clients, webhook transport and PDF renderer; idempotent."""
    install_connector(CarrierKind.AGGREGATOR, connect_aggregator)
    install_channel_connector(ChannelKind.WOOCOMMERCE, connect_woocommerce)
    install_channel_connector(ChannelKind.SHOPIFY, connect_shopify)
    install_transport(HttpWebhookTransport)
    install_renderer(FpdfInvoiceRenderer())
