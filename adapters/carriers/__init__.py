"""Carrier adapters that reach a carrier over the network."""
