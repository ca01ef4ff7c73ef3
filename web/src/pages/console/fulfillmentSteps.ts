import { graphql } from "../../gql";


export const StartPickingDocument = graphql(`
  mutation StartPicking($id: ID!) {
    startPicking(input: { id: $id }) {
      userErrors {
        field
        code
        message
      }
      order {
        id
        status
      }
    }
  }
`);

export const MarkPackedDocument = graphql(`
  mutation MarkPacked($id: ID!) {
    markPacked(input: { id: $id }) {
      userErrors {
        field
        code
        message
      }
      order {
        id
        status
      }
    }
  }
`);

export const MarkShippedDocument = graphql(`
  mutation MarkShipped($id: ID!, $carrier: String!, $trackingNumber: String!) {
    markShipped(input: { id: $id, carrier: $carrier, trackingNumber: $trackingNumber }) {
      userErrors {
        field
        code
        message
      }
      order {
        id
        status
      }
    }
  }
`);

export const MarkDeliveredDocument = graphql(`
  mutation MarkDelivered($id: ID!) {
    markDelivered(input: { id: $id }) {
      userErrors {
        field
        code
        message
      }
      order {
        id
        status
      }
    }
  }
`);

export const RetryDispatchDocument = graphql(`
  mutation RetryDispatch($id: ID!) {
    retryDispatch(input: { id: $id }) {
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export const PlaceHoldDocument = graphql(`
  mutation PlaceHold($id: ID!, $reason: HoldReason!, $note: String) {
    placeOrderHold(input: { id: $id, reason: $reason, note: $note }) {
      userErrors {
        field
        code
        message
      }
      order {
        id
        status
      }
    }
  }
`);

export const ReleaseHoldDocument = graphql(`
  mutation ReleaseHold($id: ID!) {
    releaseOrderHold(input: { id: $id }) {
      userErrors {
        field
        code
        message
      }
      order {
        id
        status
      }
    }
  }
`);

export const CancelOrderDocument = graphql(`
  mutation CancelOrder($id: ID!) {
    cancelOrder(input: { id: $id }) {
      userErrors {
        field
        code
        message
      }
      order {
        id
        status
      }
    }
  }
`);

/** The next warehouse step a fulfillment order in `status` can take, if any. */
export function nextStep(status: string): "pick" | "pack" | "ship" | "deliver" | null {
  switch (status) {
    case "ALLOCATED":
      return "pick";
    case "PICKING":
      return "pack";
    case "PACKED":
      return "ship";
    case "SHIPPED":
      return "deliver";
    default:
      return null;
  }
}

