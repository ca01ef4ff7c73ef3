"""Workflows that span several transactions or areas: one place each, used by resolvers,
actors and the CLI alike. A service opens units of work (or is handed one) and calls the
rules in `domain/`; it holds no rule of its own."""
