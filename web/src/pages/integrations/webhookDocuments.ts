import { graphql } from "../../gql";

export const WebhooksDocument = graphql(`
  query Webhooks($after: String) {
    webhookEndpoints(first: 50) {
      edges {
        node {
          id
          url
          topics
          enabled
          createdAt
          client {
            code
          }
        }
      }
    }
    webhookDeliveries(first: 25, after: $after) {
      edges {
        node {
          id
          topic
          status
          attemptCount
          occurredAt
          deliveredAt
          nextAttemptAt
          lastStatusCode
          lastError
          endpoint {
            url
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

export const CreateEndpointDocument = graphql(`
  mutation CreateEndpoint($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      secret
      endpoint {
        id
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteEndpointDocument = graphql(`
  mutation DeleteEndpoint($id: ID!) {
    deleteWebhookEndpoint(input: { id: $id }) {
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const RedeliverDocument = graphql(`
  mutation Redeliver($id: ID!) {
    redeliverWebhook(input: { id: $id }) {
      delivery {
        id
        status
        attemptCount
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);
