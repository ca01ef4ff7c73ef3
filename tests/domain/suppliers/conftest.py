"""The order domain's shop (two warehouses, client A's SKUs) for supplier tests."""

from __future__ import annotations

import pytest

from tests.conftest import TestDatabase
from tests.domain.orders.conftest import Shop, open_shop


@pytest.fixture
def shop(database: TestDatabase) -> Shop:
    return open_shop(database)


@pytest.fixture
def pg_shop(postgres_database: TestDatabase) -> Shop:
    return open_shop(postgres_database)
