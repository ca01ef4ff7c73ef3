"""The queues, one per kind of work, so that a backlog of one kind never delays another.

``crossdock worker --queues dispatch`` gives a kind its own processes (docs/operations.md).
"""

from __future__ import annotations

DISPATCH = "dispatch"
"""Label purchases: packing for automatic dispatch, buying, giving up, re-dispatching."""
TRACKING = "tracking"
"""Carrier tracking polls."""
BILLING = "billing"
"""Charges from events, storage days, period closes."""
WEBHOOKS = "webhooks"
"""Webhook fan-out and sending (slow receivers wait here, not in front of a label)."""
CHANNELS = "channels"
"""Sales-channel imports, stock pushes and shipment reports."""
DEFAULT = "default"
"""Housekeeping: the redelivery sweep, audit and session pruning, supplier deadlines."""

ALL = (DISPATCH, TRACKING, BILLING, WEBHOOKS, CHANNELS, DEFAULT)
