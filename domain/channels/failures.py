"""A connection's failures: the last one shown on it until work of the shop succeeds."""

from __future__ import annotations

from domain.channels.models import ChannelConnection


def clear_error(connection: ChannelConnection) -> None:
    """The shop answered and the work was done: its last error is history (the provider
    was told of it when it happened)."""
    connection.last_error = None
    connection.last_error_at = None
