"""GraphQL for the catalog: warehouses and products."""
