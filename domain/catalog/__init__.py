"""Catalog: the provider's warehouses and each client's products."""
