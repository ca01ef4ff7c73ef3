"""Webhooks: endpoints that receive signed copies of outbox events, delivered with retries."""
