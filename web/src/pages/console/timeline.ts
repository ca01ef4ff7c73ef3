import { humanize } from "../../format";
import type { OrderDetailQuery } from "../../gql/graphql";

export type TimelineEvent = { at: string; what: string };

/** What happened to an order, oldest first, from the times its parts record. */
export function orderTimeline(order: NonNullable<OrderDetailQuery["order"]>): TimelineEvent[] {
  const events: TimelineEvent[] = [{ at: order.createdAt, what: `Created by ${order.createdBy}` }];
  for (const hold of order.holds) {
    events.push({ at: hold.placedAt, what: `Held (${humanize(hold.reason)}) by ${hold.placedBy}` });
    if (hold.releasedAt)
      events.push({ at: hold.releasedAt, what: `Hold released by ${hold.releasedBy ?? "?"}` });
  }
  for (const fo of order.fulfillmentOrders) {
    const where = fo.warehouse?.code ?? "elsewhere";
    events.push({ at: fo.createdAt, what: `Fulfillment order at ${where}` });
    if (fo.shipment)
      events.push({
        at: fo.shipment.createdAt,
        what: `Label bought: ${fo.shipment.carrier} ${fo.shipment.trackingNumber}`,
      });
    if (fo.shippedAt) events.push({ at: fo.shippedAt, what: `Shipped from ${where}` });
    if (fo.deliveredAt) events.push({ at: fo.deliveredAt, what: `Delivered (from ${where})` });
  }
  if (order.cancelledAt) events.push({ at: order.cancelledAt, what: "Cancelled" });
  return events.sort((a, b) => a.at.localeCompare(b.at));
}
