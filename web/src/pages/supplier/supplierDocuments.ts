import { graphql } from "../../gql";

graphql(`
  fragment SupplierWorkFields on FulfillmentOrder {
    id
    status
    createdAt
    acknowledgeBy
    shipBy
    acknowledgedAt
    rejectedAt
    rejectionReason
    rejectionNote
    exceptionReason
    labelRefusal
    carrier
    trackingNumber
    shippedAt
    label {
      carrier
      service
      trackingNumber
      labelFormat
    }
    shipTo {
      ...AddressLines
    }
    linesToShip {
      sku
      supplierSku
      quantity
    }
  }
`);

export const SupplierWorkDocument = graphql(`
  query SupplierWork($first: Int!, $after: String, $status: [FulfillmentStatus!]) {
    eventPosition
    fulfillmentOrders(first: $first, after: $after, filter: { status: $status }) {
      edges {
        node {
          ...SupplierWorkFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** The work the supplier asked labels for in this browser tab, wherever it stands now. */
export const SupplierLabelledWorkDocument = graphql(`
  query SupplierLabelledWork($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on FulfillmentOrder {
        ...SupplierWorkFields
      }
    }
  }
`);

export const SupplierWorkEvents = graphql(`
  subscription SupplierWorkEvents($after: String) {
    shipmentEvents(after: $after) {
      id
      position
      topic
      aggregateType
      aggregateId
      occurredAt
      payload
    }
  }
`);

graphql(`
  fragment SupplierStepOutcome on FulfillmentOrder {
    id
    status
    acknowledgedAt
    exceptionReason
  }
`);

export const AcknowledgeDocument = graphql(`
  mutation AcknowledgeFulfillment($id: ID!) {
    acknowledgeFulfillmentOrder(input: { id: $id }) {
      userErrors { ...UserErrorFields } fulfillmentOrder { ...SupplierStepOutcome }
    }
  }
`);

export const RejectDocument = graphql(`
  mutation RejectFulfillment($id: ID!, $reason: RejectionReason!, $note: String) {
    rejectFulfillmentOrder(input: { id: $id, reason: $reason, note: $note }) {
      userErrors { ...UserErrorFields } fulfillmentOrder { ...SupplierStepOutcome }
    }
  }
`);

export const ShipDocument = graphql(`
  mutation ShipFulfillment($id: ID!, $carrier: String!, $trackingNumber: String!) {
    shipSupplierFulfillmentOrder(
      input: { id: $id, carrier: $carrier, trackingNumber: $trackingNumber }
    ) {
      userErrors { ...UserErrorFields } fulfillmentOrder { ...SupplierStepOutcome }
    }
  }
`);

export const SupplierStockDocument = graphql(`
  query SupplierStock($first: Int!, $after: String) {
    supplierProducts(first: $first, after: $after, filter: { active: true }) {
      edges {
        node {
          id
          supplierSku
          leadTimeDays
          minQuantity
          stock {
            onHand
            allocated
            available
            updatedAt
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

graphql(`
  fragment ReportedStock on SupplierProduct {
    id
    supplierSku
    stock {
      onHand
      allocated
      available
      updatedAt
    }
  }
`);

export const ReportStockDocument = graphql(`
  mutation ReportStock($supplierSku: String!, $available: Int!) {
    reportSupplierStock(input: { lines: [{ supplierSku: $supplierSku, available: $available }] }) {
      userErrors { ...UserErrorFields } supplierProducts { ...ReportedStock }
    }
  }
`);

export const UploadStockCsvDocument = graphql(`
  mutation UploadStockCsv($csv: String!) {
    uploadSupplierStockCsv(input: { csv: $csv }) {
      userErrors { ...UserErrorFields } supplierProducts { ...ReportedStock }
    }
  }
`);

export const BuyLabelDocument = graphql(`
  mutation BuySupplierLabel($id: ID!) {
    buySupplierLabel(input: { id: $id }) {
      userErrors { ...UserErrorFields } fulfillmentOrder { ...SupplierStepOutcome }
    }
  }
`);

/** The label file itself, asked for only when the supplier downloads it. */
export const SupplierLabelFileDocument = graphql(`
  query SupplierLabelFile($id: ID!) {
    node(id: $id) {
      ... on FulfillmentOrder {
        id
        label {
          trackingNumber
          labelFormat
          labelBase64
        }
      }
    }
  }
`);

graphql(`
  fragment ShipFromAddress on Address {
    ...AddressLines
    phone
    email
  }
`);

export const SupplierShipFromDocument = graphql(`
  query SupplierShipFrom {
    viewer {
      supplier {
        id
        name
        shipFrom {
          ...ShipFromAddress
        }
      }
    }
  }
`);

export const SetShipFromDocument = graphql(`
  mutation SetSupplierShipFrom($address: AddressInput!) {
    setSupplierShipFrom(input: { address: $address }) {
      userErrors { ...UserErrorFields }
      supplier {
        id
        shipFrom {
          ...ShipFromAddress
        }
      }
    }
  }
`);
