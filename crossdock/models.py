"""Imports every model module, so that `Base.metadata` knows every table."""

from persistence.base import Base
from tenants import models as tenant_models

MODEL_MODULES = (tenant_models,)

metadata = Base.metadata
