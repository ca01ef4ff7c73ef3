import { humanize } from "../../format";
import type { OrderStatus } from "../../gql/graphql";

export const ORDER_STATUSES: OrderStatus[] = [
  "RECEIVED",
  "ON_HOLD",
  "ALLOCATED",
  "PARTIALLY_ALLOCATED",
  "BACKORDERED",
  "PICKING",
  "PACKED",
  "SHIPPED",
  "DELIVERED",
  "CANCELLED",
  "RETURNED",
  "EXCEPTION",
];

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status.toLowerCase()}`}>{humanize(status)}</span>;
}
