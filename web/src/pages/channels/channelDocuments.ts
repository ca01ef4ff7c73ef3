import { graphql } from "../../gql";

graphql(`
  fragment ChannelConnectionRow on ChannelConnection {
    id
    kind
    name
    shopUrl
    shopName
    locationId
    importOrders
    syncFulfillments
    syncInventory
    lastPolledAt
    lagSeconds
    lastImportAt
    lastError
    lastErrorAt
    disconnectedAt
    webhookPath
    createdAt
    client {
      id
      code
      name
    }
    warehouse {
      id
      code
      name
    }
    counts {
      imported
      held
      failed
      stockPending
      shipmentsReported
      stockPushes
    }
  }
`);

export const ChannelConnectionsDocument = graphql(`
  query ChannelConnections($first: Int!, $after: String, $clientId: ID) {
    eventPosition
    channelConnections(first: $first, after: $after, filter: { clientId: $clientId }) {
      edges {
        node {
          ...ChannelConnectionRow
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** One connection with its SKU mappings and the orders held for unmapped SKUs. */
export const ChannelConnectionDocument = graphql(`
  query ChannelConnection($id: ID!) {
    eventPosition
    node(id: $id) {
      ... on ChannelConnection {
        ...ChannelConnectionRow
      }
    }
    channelSkuMappings(first: 100, filter: { connectionId: $id }) {
      edges {
        node {
          id
          channelSku
          product {
            id
            sku
            name
          }
        }
      }
    }
    channelOrders(first: 50, filter: { connectionId: $id, status: [HELD, FAILED] }) {
      edges {
        node {
          id
          channelOrderId
          status
          error
          createdAt
          order {
            id
            externalReference
            status
            holds {
              id
              reason
              unmappedSkus
              releasedAt
            }
          }
        }
      }
    }
  }
`);

/** Order events, for the pages to hear channel imports by (`order.created` of their shops). */
export const ChannelOrderEventsDocument = graphql(`
  subscription ChannelOrderEvents($after: String) {
    orderEvents(after: $after) {
      id
      position
      topic
      payload
    }
  }
`);

export const ChannelChoicesDocument = graphql(`
  query ChannelChoices {
    warehouses(first: 100) {
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

export const ChannelProductSearchDocument = graphql(`
  query ChannelProductSearch($search: String, $clientId: ID) {
    products(first: 8, filter: { search: $search, clientId: $clientId }) {
      edges {
        node {
          id
          sku
          name
        }
      }
    }
  }
`);

export const ChannelProductBySkuDocument = graphql(`
  query ChannelProductBySku($sku: String!, $clientId: ID) {
    products(first: 1, filter: { sku: $sku, clientId: $clientId }) {
      edges {
        node {
          id
          sku
          name
        }
      }
    }
  }
`);

export const CreateChannelConnectionDocument = graphql(`
  mutation CreateChannelConnection($input: CreateChannelConnectionInput!) {
    createChannelConnection(input: $input) {
      channelConnection {
        id
        name
        kind
        webhookPath
      }
      webhookSecret
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const UpdateChannelConnectionDocument = graphql(`
  mutation UpdateChannelConnection($input: UpdateChannelConnectionInput!) {
    updateChannelConnection(input: $input) {
      channelConnection {
        ...ChannelConnectionRow
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const CheckChannelConnectionDocument = graphql(`
  mutation CheckChannelConnection($id: ID!) {
    checkChannelConnection(input: { id: $id }) {
      reachable
      message
      details {
        name
        value
      }
      channelConnection {
        ...ChannelConnectionRow
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const DisconnectChannelConnectionDocument = graphql(`
  mutation DisconnectChannelConnection($id: ID!) {
    disconnectChannelConnection(input: { id: $id }) {
      shopReleased
      message
      channelConnection {
        ...ChannelConnectionRow
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const ResyncChannelDocument = graphql(`
  mutation ResyncChannel($input: ResyncChannelInput!) {
    resyncChannel(input: $input) {
      channelConnection {
        ...ChannelConnectionRow
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const SetChannelSkuMappingDocument = graphql(`
  mutation SetChannelSkuMapping($input: SetChannelSkuMappingInput!) {
    setChannelSkuMapping(input: $input) {
      channelSkuMapping {
        id
        channelSku
        product {
          sku
        }
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

export const DeleteChannelSkuMappingDocument = graphql(`
  mutation DeleteChannelSkuMapping($id: ID!) {
    deleteChannelSkuMapping(input: { id: $id }) {
      deletedId
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);
