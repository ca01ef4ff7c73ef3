"""Orders: creation, allocation into fulfillment orders, holds and the order state machine."""
