"""Drop-ship suppliers: their catalog, their stock and the fulfillment orders they serve."""
