import type { TypedDocumentNode } from "@urql/core";
import { useEffect, useRef } from "preact/hooks";
import { useSubscriptionFrom } from "./subscribeFrom";

/** Events heard within this long are handed over together (one request for their orders). */
export const BURST_MS = 30;
const HEARD_KEPT = 200;

type Heard<E> = { total: number; events: E[] };

/**
 * Order events in bursts, for a page that changes its rows in place: every event the
 * subscription delivers (not only the latest), gathered for BURST_MS and handed to `onBurst`
 * one burst at a time, in order, so an older answer never overwrites a newer one. `resync`
 * is called instead when events were lost: more at once than are kept. Answers the latest
 * event heard. The subscription's document asks for each event's `position`: after a
 * dropped connection the client subscribes again from the newest one (api/client.ts), so
 * what happened meanwhile is heard, not lost.
 *
 * The subscription starts from `after`, the `eventPosition` of the page's read, so an event
 * committed between the read and the subscription is heard too (it waits for the read until
 * then); one the read already reflected may come again, so `onBurst` re-reads what events
 * name rather than adding them up. It keeps the position it started from (reading again needs
 * no restart); a refused position (too old) resyncs and starts from the next read's.
 */
export function useOrderEventBursts<E>(
  query: TypedDocumentNode<{ orderEvents: E }, { after?: string | null }>,
  after: string | undefined,
  onBurst: (events: E[]) => Promise<unknown> | unknown,
  resync: () => void,
): E | undefined {
  return useEventBursts(query, "orderEvents", after, onBurst, resync);
}

/**
 * The same for any event subscription (`orderEvents`, `shipmentEvents`...): `field` names the
 * subscription's root field. A page that re-reads its data on events (rather than changing
 * rows in place) gets one re-read per burst instead of one per event.
 */
export function useEventBursts<D, F extends keyof D & string, E extends D[F] = D[F]>(
  query: TypedDocumentNode<D, { after?: string | null }>,
  field: F,
  after: string | undefined,
  onBurst: (events: E[]) => Promise<unknown> | unknown,
  resync: () => void,
): E | undefined {
  // (keeps the position it started from; a refused one resyncs: see useSubscriptionFrom)
  const live = useSubscriptionFrom(query, after, resync, (heard: Heard<E> | undefined, data) => ({
    total: (heard?.total ?? 0) + 1,
    events: [...(heard?.events ?? []), data[field] as E].slice(-HEARD_KEPT),
  }));
  const handlers = useRef({ onBurst, resync });
  handlers.current = { onBurst, resync };
  const applied = useRef(0);
  const waiting = useRef<E[]>([]);
  const burst = useRef<number | undefined>(undefined);
  const applying = useRef<Promise<unknown>>(Promise.resolve());

  useEffect(() => {
    const heard = live.data;
    if (!heard) return;
    // (fewer than applied: the subscription started over, and all it holds is new)
    const fresh = heard.total > applied.current ? heard.total - applied.current : heard.total;
    applied.current = heard.total;
    if (fresh > heard.events.length) {
      waiting.current = [];
      handlers.current.resync();
      return;
    }
    waiting.current.push(...heard.events.slice(-fresh));
    window.clearTimeout(burst.current);
    burst.current = window.setTimeout(() => {
      const take = () => {
        const events = waiting.current;
        waiting.current = [];
        return events.length ? handlers.current.onBurst(events) : undefined;
      };
      applying.current = applying.current.then(take, take);
    }, BURST_MS);
  }, [live.data]);

  useEffect(() => () => window.clearTimeout(burst.current), []);
  // (a dropped socket loses nothing: the client resubscribes from the newest event's position)

  return live.data?.events[live.data.events.length - 1];
}
