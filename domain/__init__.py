"""Business rules: catalog, inventory, orders. Imports no API, worker or GraphQL code."""
