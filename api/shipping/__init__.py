"""GraphQL and HTTP of shipping: shipments, tracking, carrier accounts, carrier pushes."""
