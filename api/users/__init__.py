"""GraphQL of people: users, invitations, passwords."""
