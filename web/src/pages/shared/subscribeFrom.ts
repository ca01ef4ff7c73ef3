import { type SubscriptionHandler, useSubscription } from "@urql/preact";
import type { TypedDocumentNode } from "@urql/core";
import { useEffect, useRef, useState } from "preact/hooks";

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
 * A live page's subscription, started from `after`: the `eventPosition` the page asked for
 * with its read (undefined until that read has come, or while it is a stale cached one; the
 * subscription waits till then). So an event committed between the read and the
 * subscription is heard too; one the read already reflected may come again, so the page
 * re-reads what events name rather than adding them up.
 *
 * It keeps the position it started from: a page reading again (an event, a filter, a
 * resync) needs no restart, since the running subscription already hears everything after
 * that read; restarting would replay the settle window each time (on a page that re-reads
 * on every event, a loop). Only a refused position (too old, or bad) calls `resync`, for the
 * page to read afresh, and the subscription then starts from that next read's position.
 */
export function useSubscriptionFrom<Data, Result = Data>(
  query: TypedDocumentNode<Data, { after?: string | null }>,
  after: string | undefined,
  resync: () => void,
  handler?: SubscriptionHandler<Data, Result>,
) {
  const [start, setStart] = useState<string | undefined>(undefined);
  const needsStart = useRef(true);
  useEffect(() => {
    if (after === undefined || !needsStart.current) return;
    needsStart.current = false;
    setStart(after);
  }, [after]);
  const from = useHeldBack(start);
  const [live] = useSubscription<Data, Result, { after?: string | null }>(
    { query, variables: { after: from }, pause: from === undefined },
    handler,
  );
  const resyncNow = useRef(resync);
  resyncNow.current = resync;
  useEffect(() => {
    const codes = live.error?.graphQLErrors.map((error) => error.extensions?.code) ?? [];
    if (!codes.some((code) => POSITION_REFUSED.has(String(code)))) return;
    needsStart.current = true;
    resyncNow.current();
  }, [live.error]);
  return live;
}
