"""GraphQL of webhooks: endpoints, deliveries with their attempts, redelivery."""
