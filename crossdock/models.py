"""Imports every model module, so that `Base.metadata` knows every table."""

from domain.audit import models as audit_models
from domain.billing import invoice_models as billing_invoice_models
from domain.billing import models as billing_models
from domain.catalog import models as catalog_models
from domain.channels import models as channel_models
from domain.inventory import models as inventory_models
from domain.orders import models as order_models
from domain.outbox import models as outbox_models
from domain.routing import models as routing_models
from domain.shipping import models as shipping_models
from domain.suppliers import models as supplier_models
from domain.webhooks import models as webhook_models
from persistence.base import Base
from tenants import models as tenant_models
from tenants import user_models

MODEL_MODULES = (
    tenant_models,
    user_models,
    catalog_models,
    inventory_models,
    order_models,
    supplier_models,
    outbox_models,
    shipping_models,
    webhook_models,
    billing_models,
    billing_invoice_models,
    audit_models,
    channel_models,
    routing_models,
)

metadata = Base.metadata
