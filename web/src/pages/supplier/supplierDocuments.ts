import { graphql } from "../../gql";

export const SupplierWorkDocument = graphql(`
  query SupplierWork($first: Int!, $after: String, $status: [FulfillmentStatus!]) {
    fulfillmentOrders(first: $first, after: $after, filter: { status: $status }) {
      edges {
        node {
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
          carrier
          trackingNumber
          shippedAt
          shipTo {
            ...AddressLines
          }
          linesToShip {
            sku
            supplierSku
            quantity
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

export const SupplierWorkEvents = graphql(`
  subscription SupplierWorkEvents {
    shipmentEvents {
      id
      topic
      occurredAt
    }
  }
`);

graphql(`
  fragment SupplierStepOutcome on FulfillmentOrder {
    id
    status
    acknowledgedAt
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
