"""Adapters: implementations of the I/O interfaces the inner layers define."""
