"""Tenancy: providers, their clients and suppliers, API keys, and the scope of every query."""
