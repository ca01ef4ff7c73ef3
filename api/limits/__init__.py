"""Request limits: the static cost of an operation and the per-key budget it is charged to."""
