"""Billing: rate cards, charges accrued from events and storage, invoices per client and period."""
