"""GraphQL for tenancy: the viewer, clients, suppliers and API keys."""
