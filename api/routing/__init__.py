"""GraphQL of routing: rules, the dry run, decisions, overrides."""
