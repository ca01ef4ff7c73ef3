"""Imports every model module, so that `Base.metadata` knows every table."""

from domain.catalog import models as catalog_models
from domain.inventory import models as inventory_models
from domain.orders import models as order_models
from domain.outbox import models as outbox_models
from persistence.base import Base
from tenants import models as tenant_models

MODEL_MODULES = (
    tenant_models,
    catalog_models,
    inventory_models,
    order_models,
    outbox_models,
)

metadata = Base.metadata
