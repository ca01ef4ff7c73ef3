"""Routing tests use the orders shop (both databases) and its PostgreSQL twin."""

from tests.domain.orders.conftest import pg_shop, shop

__all__ = ["pg_shop", "shop"]
