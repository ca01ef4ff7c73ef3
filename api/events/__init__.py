"""Live events: GraphQL subscriptions fed from the outbox."""
