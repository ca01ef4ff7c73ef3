import { orderNodeId } from "./boardUpdates";

/** An event as a live page asks for it: enough to tell which order it is about. */
export type OrderRelated = { aggregateType: string; aggregateId: string; payload?: unknown };

/**
 * The global id of the order an event is about, or undefined if it names none: an order
 * event (`order.*`) has the order as its aggregate; fulfillment order and shipment events
 * (`fulfillment_order.*`, `shipment.*`) carry it in their payload's `order_id`.
 */
export function eventOrderId(event: OrderRelated): string | undefined {
  if (event.aggregateType === "order") return orderNodeId(event.aggregateId);
  const orderId = payloadField(event.payload, "order_id");
  return typeof orderId === "string" ? orderNodeId(orderId) : undefined;
}

/** One field of an event's payload (JSON: whatever the topic puts there), if it has it. */
export function payloadField(payload: unknown, name: string): unknown {
  return payload && typeof payload === "object" && name in payload
    ? (payload as Record<string, unknown>)[name]
    : undefined;
}
