"""The audit trail: who changed what, when, with which input, and how it ended."""
