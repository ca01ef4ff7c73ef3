"""Routing: which sources serve an order, by the client's rules, explained."""
