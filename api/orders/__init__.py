"""GraphQL of orders."""
