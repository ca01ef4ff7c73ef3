"""Process-local caches and the broadcast that keeps every process's caches honest."""
