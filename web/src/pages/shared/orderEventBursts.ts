import { useSubscription } from "@urql/preact";
import type { TypedDocumentNode } from "@urql/core";
import { useEffect, useRef, useState } from "preact/hooks";
import { onReconnect } from "../../api/client";

/** Events heard within this long are handed over together (one request for their orders). */
export const BURST_MS = 30;
const HEARD_KEPT = 200;

type Heard<E> = { total: number; events: E[] };

/** Codes a subscription refuses a position with: the page reads again, for a new one. */
const POSITION_REFUSED = new Set(["EVENT_POSITION_EXPIRED", "INVALID_EVENT_POSITION"]);

declare global {
  interface Window {
    /** Browser tests only: hold a page's subscription back this long after its read. */
    crossdockSubscribeDelayMs?: number;
  }
}

/** `after`, once the test hook's delay (none outside browser tests) has passed. */
function useHeldBack(after: string | undefined): string | undefined {
  const delay = typeof window === "undefined" ? 0 : (window.crossdockSubscribeDelayMs ?? 0);
  const [released, setReleased] = useState(delay ? undefined : after);
  useEffect(() => {
    if (!delay) return setReleased(after);
    setReleased(undefined);
    const timer = window.setTimeout(() => setReleased(after), delay);
    return () => window.clearTimeout(timer);
  }, [after]);
  return delay ? released : after;
}

/**
 * Order events in bursts, for a page that changes its rows in place: every event the
 * subscription delivers (not only the latest), gathered for BURST_MS and handed to `onBurst`
 * one burst at a time, in order, so an older answer never overwrites a newer one. `resync`
 * is called instead when events were lost: more at once than are kept, or the socket was
 * down. Answers the latest event heard.
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
  // The subscription keeps the position it started from: a page reading again (a filter, a
  // resync) needs no restart, since the running subscription already hears everything after
  // that read; restarting would replay the settle window each time (a resync loop on a busy
  // tenant). Only a refused position (or none yet) takes the next read's.
  const [start, setStart] = useState<string | undefined>(undefined);
  const needsStart = useRef(true);
  useEffect(() => {
    if (after === undefined || !needsStart.current) return;
    needsStart.current = false;
    setStart(after);
  }, [after]);
  const from = useHeldBack(start);
  const [live] = useSubscription(
    { query, variables: { after: from }, pause: from === undefined },
    (heard: Heard<E> | undefined, data) => ({
      total: (heard?.total ?? 0) + 1,
      events: [...(heard?.events ?? []), data.orderEvents].slice(-HEARD_KEPT),
    }),
  );
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

  useEffect(() => {
    const codes = live.error?.graphQLErrors.map((error) => error.extensions?.code) ?? [];
    if (!codes.some((code) => POSITION_REFUSED.has(String(code)))) return;
    needsStart.current = true;
    handlers.current.resync();
  }, [live.error]);

  useEffect(() => () => window.clearTimeout(burst.current), []);
  // Events sent while the socket was down are lost: the page reads its data afresh.
  useEffect(() => onReconnect(() => handlers.current.resync()), []);

  return live.data?.events[live.data.events.length - 1];
}
