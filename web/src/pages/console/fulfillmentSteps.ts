import { graphql } from "../../gql";

// Every step answers the same two things: why it was refused, and the order's new state.
graphql(`
  fragment StepOrder on Order {
    id
    status
  }
`);

export const StartPickingDocument = graphql(`
  mutation StartPicking($id: ID!) {
    startPicking(input: { id: $id }) { userErrors { ...UserErrorFields } order { ...StepOrder } }
  }
`);

export const MarkPackedDocument = graphql(`
  mutation MarkPacked($id: ID!) {
    markPacked(input: { id: $id }) { userErrors { ...UserErrorFields } order { ...StepOrder } }
  }
`);

export const MarkShippedDocument = graphql(`
  mutation MarkShipped($id: ID!, $carrier: String!, $trackingNumber: String!) {
    markShipped(input: { id: $id, carrier: $carrier, trackingNumber: $trackingNumber }) {
      userErrors { ...UserErrorFields } order { ...StepOrder }
    }
  }
`);

export const MarkDeliveredDocument = graphql(`
  mutation MarkDelivered($id: ID!) {
    markDelivered(input: { id: $id }) { userErrors { ...UserErrorFields } order { ...StepOrder } }
  }
`);

export const RetryDispatchDocument = graphql(`
  mutation RetryDispatch($id: ID!) {
    retryDispatch(input: { id: $id }) { userErrors { ...UserErrorFields } }
  }
`);

export const PlaceHoldDocument = graphql(`
  mutation PlaceHold($id: ID!, $reason: HoldReason!, $note: String) {
    placeOrderHold(input: { id: $id, reason: $reason, note: $note }) {
      userErrors { ...UserErrorFields } order { ...StepOrder }
    }
  }
`);

export const ReleaseHoldDocument = graphql(`
  mutation ReleaseHold($id: ID!) {
    releaseOrderHold(input: { id: $id }) { userErrors { ...UserErrorFields } order { ...StepOrder } }
  }
`);

export const CancelOrderDocument = graphql(`
  mutation CancelOrder($id: ID!) {
    cancelOrder(input: { id: $id }) { userErrors { ...UserErrorFields } order { ...StepOrder } }
  }
`);

/** The next warehouse step a fulfillment order in `status` can take, if any. */
export function nextStep(status: string): "pick" | "pack" | "ship" | "deliver" | null {
  const steps: Record<string, "pick" | "pack" | "ship" | "deliver"> = {
    ALLOCATED: "pick",
    PICKING: "pack",
    PACKED: "ship",
    SHIPPED: "deliver",
  };
  return steps[status] ?? null;
}
