import { graphql } from "../../gql";

export const OrderDetailDocument = graphql(`
  query OrderDetail($id: ID!) {
    eventPosition
    order(id: $id) {
      id
      externalReference
      status
      serviceLevel
      createdAt
      updatedAt
      cancelledAt
      createdBy
      client {
        code
        name
      }
      shipTo {
        ...AddressLines
      }
      lines {
        lineNumber
        sku
        quantity
        allocatedQuantity
        backorderedQuantity
        product {
          name
        }
      }
      holds {
        id
        reason
        note
        unmappedSkus
        placedBy
        placedAt
        releasedBy
        releasedAt
      }
      fulfillmentOrders {
        id
        status
        carrier
        trackingNumber
        shippedAt
        deliveredAt
        createdAt
        warehouse {
          code
        }
        lines {
          quantity
          product {
            sku
          }
        }
        dispatch {
          status
          attempts
          exceptionReason
          lastError
        }
        shipment {
          id
          carrier
          service
          trackingNumber
          labelFormat
          status
          createdAt
          cost {
            amount
            currency
          }
        }
      }
    }
  }
`);

export const ShipmentLabelDocument = graphql(`
  query ShipmentLabel($id: ID!) {
    node(id: $id) {
      ... on Shipment {
        id
        trackingNumber
        labelFormat
        labelBase64
      }
    }
  }
`);

export const OrderLiveDocument = graphql(`
  subscription OrderLive($after: String) {
    orderEvents(after: $after) {
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

export const ShipmentLiveDocument = graphql(`
  subscription ShipmentLive($after: String) {
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
