"""Sales-channel adapters: one module per platform, its payload shapes in a mapping module."""
