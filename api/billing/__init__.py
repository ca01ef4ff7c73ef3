"""GraphQL of billing: rate cards, charges, invoices and their exports."""
