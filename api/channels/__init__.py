"""GraphQL of sales channels: connections, SKU mappings, imported channel orders."""
