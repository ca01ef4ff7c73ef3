"""GraphQL for the supplier side: catalog, supplier stock and the supplier's steps."""
