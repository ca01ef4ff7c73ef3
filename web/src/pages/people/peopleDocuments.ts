import { graphql } from "../../gql";

export const PeopleDocument = graphql(`
  query People($first: Int!, $after: String) {
    users(first: $first, after: $after) {
      edges {
        node {
          id
          name
          email
          role
          status
          createdAt
          invitationExpiresAt
          client {
            code
          }
          supplier {
            code
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const InviteTargetsDocument = graphql(`
  query InviteTargets {
    clients(first: 100) {
      edges {
        node {
          id
          code
          name
        }
      }
    }
    suppliers(first: 100) {
      edges {
        node {
          id
          code
          name
        }
      }
    }
  }
`);

export const InviteDocument = graphql(`
  mutation InviteUser($input: InviteUserInput!) {
    inviteUser(input: $input) {
      invitationUrl
      user {
        id
        email
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeactivateDocument = graphql(`
  mutation DeactivateUser($id: ID!) {
    deactivateUser(input: { id: $id }) {
      user {
        id
        status
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const ChangeRoleDocument = graphql(`
  mutation ChangeUserRole($id: ID!, $role: UserRole!) {
    changeUserRole(input: { id: $id, role: $role }) {
      user {
        id
        role
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const ApiKeysDocument = graphql(`
  query ApiKeys($first: Int!, $after: String) {
    apiKeys(first: $first, after: $after) {
      edges {
        node {
          id
          name
          prefix
          kind
          scopes
          createdAt
          lastUsedAt
          revokedAt
          client {
            code
          }
          supplier {
            code
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const CreateKeyDocument = graphql(`
  mutation CreateKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      plaintextKey
      apiKey {
        id
        prefix
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const RevokeKeyDocument = graphql(`
  mutation RevokeKey($id: ID!) {
    revokeApiKey(input: { id: $id }) {
      apiKey {
        id
        revokedAt
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);
