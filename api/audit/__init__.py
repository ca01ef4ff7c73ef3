"""GraphQL of the audit trail: the events, and the hook every mutation records through."""
