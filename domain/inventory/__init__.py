"""Inventory: stock levels per product and warehouse, the ledger behind them, inbound shipments."""
