import type { KeyKind, WebhookTopic } from "../../gql/graphql";

const ORDER_TOPICS: WebhookTopic[] = [
  "ORDER_CREATED",
  "ORDER_ALLOCATED",
  "ORDER_BACKORDERED",
  "ORDER_HELD",
  "ORDER_RELEASED",
  "ORDER_CANCELLED",
  "ORDER_STATUS_CHANGED",
  "ORDER_SHIPPED",
  "ORDER_DELIVERED",
  "ORDER_EXCEPTION",
  "FULFILLMENT_PACKED",
  "FULFILLMENT_SHIPPED",
  "STOCK_CHANGED",
  "INBOUND_RECEIVED",
  "SHIPMENT_CREATED",
  "SHIPMENT_TRACKING_UPDATED",
];
const SUPPLIER_TOPICS: WebhookTopic[] = [
  "FULFILLMENT_ROUTED",
  "FULFILLMENT_ACKNOWLEDGED",
  "FULFILLMENT_REJECTED",
  "FULFILLMENT_OVERDUE",
  "FULFILLMENT_LABEL_FAILED",
  "FULFILLMENT_SHIPPED",
  "SUPPLIER_STOCK_CHANGED",
];

/** The topics worth offering to whoever is signed in (the API refuses the others anyway). */
export function offeredTopics(kind: KeyKind): WebhookTopic[] {
  if (kind === "SUPPLIER") return SUPPLIER_TOPICS;
  if (kind === "CLIENT") return ORDER_TOPICS;
  const all: WebhookTopic[] = [
    ...ORDER_TOPICS,
    ...SUPPLIER_TOPICS,
    "CHANNEL_SYNC_REQUESTED",
    "CHANNEL_SYNC_FAILED",
    "CHANNEL_IMPORT_FAILED",
  ];
  return [...new Set(all)];
}

/** Add `topic` to the chosen ones, or take it out. */
export function toggle(chosen: WebhookTopic[], topic: WebhookTopic): WebhookTopic[] {
  return chosen.includes(topic) ? chosen.filter((t) => t !== topic) : [...chosen, topic];
}
