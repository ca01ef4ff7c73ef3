"""GraphQL API: translates requests to domain calls and results back. No business rules."""
